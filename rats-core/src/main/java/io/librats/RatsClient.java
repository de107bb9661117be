package io.librats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import io.librats.config.PeerAddress;
import io.librats.config.RatsConfig;
import io.librats.dht.DhtConfig;
import io.librats.dht.DhtDiscovery;
import io.librats.dht.DhtService;
import io.librats.dht.DhtStats;
import io.librats.mdns.MdnsConfig;
import io.librats.mdns.MdnsDiscovery;
import io.librats.mdns.MdnsService;
import io.librats.mdns.MdnsServiceInfo;
import io.librats.mdns.MdnsStats;
import io.librats.identity.IdentityStore;
import io.librats.identity.NodeIdentity;
import io.librats.message.BinaryHandler;
import io.librats.message.Delivery;
import io.librats.message.MessageHandler;
import io.librats.message.MessageService;
import io.librats.message.MessageTrafficListener;
import io.librats.metrics.RatsMetrics;
import io.librats.nat.NatService;
import io.librats.nat.NatTraversal;
import io.librats.nat.NatType;
import io.librats.nat.NatTypeInfo;
import io.librats.subsystem.DiscoveredPeer;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.ServiceRegistry;
import io.librats.transport.ConnectionEvents;
import io.librats.transport.NetworkBinding;
import io.librats.transport.PeerConnection;
import io.librats.transport.PeerInfo;
import io.librats.transport.TcpBinding;
import io.librats.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A rats node: the facade of the engine. Create it with a {@link RatsConfig}, register handlers, {@link #start()},
 * then connect to peers and exchange messages. Every method is safe to call from any thread; user callbacks run on
 * the node's handler pool in per-peer order, and no lock of the node is held while they run.
 *
 * <pre>{@code
 * try (RatsClient node = new RatsClient(RatsConfig.builder().listenPort(7800).stateDir(dir).build())) {
 *     node.on("chat", (msg) -> System.out.println(msg.peerId() + ": " + msg.data().path("text").asString()));
 *     node.start();
 *     node.connectToPeer("127.0.0.1", 7801).join();
 *     node.send("chat", node.jsonMapper().createObjectNode().put("text", "hello"));
 * }
 * }</pre>
 */
public final class RatsClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RatsClient.class);

	private final RatsConfig config;

	private final NetworkBinding binding;

	private final JsonMapper jsonMapper;

	private final RatsMetrics metrics = new RatsMetrics();

	private final NodeIdentity identity;

	private final KnownPeersStore knownPeers;

	private final AtomicBoolean knownPeersSaveScheduled = new AtomicBoolean();

	private static final long KNOWN_PEERS_SAVE_DELAY_SECONDS = 5;

	private final MessageService messages;

	private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<ConnectionAttemptResult>> attemptListeners = new CopyOnWriteArrayList<>();

	private final List<WritabilityListener> writabilityListeners = new CopyOnWriteArrayList<>();

	/** The address we dialed for each outbound peer, so a lost peer can be dialed again. */
	private final Map<String, PeerAddress> dialedAddresses = new ConcurrentHashMap<>();

	private final SubsystemHost subsystems = new SubsystemHost();

	private final ConnectionAttemptLog attemptLog = new ConnectionAttemptLog();

	/** How each peer we reached by {@code connectToPeer} was reached; peers without an entry came in directly. */
	private StateDirectoryLock stateLock;

	private final Object lifecycle = new Object();

	private volatile Transport transport;

	private ExecutorService handlerExecutor;

	private ScheduledExecutorService scheduler;

	private ThreadSet threads;

	private Reconnector reconnector;

	/** A node on TCP (epoll where available). Loads or creates the identity in the state directory now. */
	public RatsClient(RatsConfig config) {
		this(config, TcpBinding.select(config.nativeTransport()));
	}

	/** A node on another binding, for example {@link io.librats.transport.LocalBinding} in tests. */
	public RatsClient(RatsConfig config, NetworkBinding binding) {
		this(config, binding, DefaultJson.MAPPER);
	}

	/** One mapper for every node without its own: it is immutable, and its caches are worth sharing. */
	private static final class DefaultJson {

		static final JsonMapper MAPPER = JsonMapper.builder().build();

	}

	/** A node that reads and writes JSON with the given mapper (Spring passes its own). */
	public RatsClient(RatsConfig config, NetworkBinding binding, JsonMapper jsonMapper) {
		this.config = Objects.requireNonNull(config, "config");
		this.binding = Objects.requireNonNull(binding, "binding");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
		this.identity = loadIdentity(config);
		this.knownPeers = new KnownPeersStore(config.stateDir(), config.maxKnownPeers(), jsonMapper);
		this.messages = new MessageService(jsonMapper, this.metrics, config.maxPendingRequests(), this::connection);
	}

	private static NodeIdentity loadIdentity(RatsConfig config) {
		if (config.stateDir() == null) {
			return NodeIdentity.generate();
		}
		try {
			return new IdentityStore(config.stateDir()).loadOrCreate();
		}
		catch (IOException ex) {
			throw new RatsException("Cannot read or create the node identity in " + config.stateDir() + ": "
					+ ex.getMessage(), ex);
		}
	}

	// --- lifecycle --------------------------------------------------------------------------------------------

	/**
	 * Binds the listen port, then dials the configured static peers and the known peers from the state directory.
	 * @throws RatsException if the port cannot be bound or the state directory is unreadable
	 */
	public void start() {
		synchronized (this.lifecycle) {
			if (this.transport != null) {
				return;
			}
			lockStateDirectory();
			try {
				this.knownPeers.load();
			}
			catch (IOException ex) {
				releaseStateDirectory();
				throw new StateFileCorruptException(this.knownPeers.file(), ex.getMessage(), ex);
			}
			String shortId = this.identity.peerId().substring(0, 8);
			this.threads = ThreadSet.forNode(this.config, this.binding, shortId);
			this.handlerExecutor = new NodeExecutor(this.threads.handlers);
			this.scheduler = new NodeScheduler(this.threads.scheduler);
			Transport transport = new Transport(this.config, this.identity, this.binding, this.threads.io,
					this.metrics, this.handlerExecutor, this.messages, new Events());
			try {
				transport.start();
			}
			catch (Exception ex) {
				shutdownExecutors();
				releaseStateDirectory();
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				throw new RatsException("Cannot listen on port " + this.config.listenPort() + ": " + ex.getMessage(), ex);
			}
			this.transport = transport;
			this.reconnector = new Reconnector(this.scheduler, this::dialForReconnect,
					this.config.reconnectInitialDelay(), this.config.reconnectMaxDelay(),
					this.config.reconnectMaxAttempts(), () -> this.metrics.increment(RatsMetrics.RECONNECT_ATTEMPTS));
			for (PeerAddress peer : this.config.peers()) {
				this.reconnector.connectNow(peer, true);
			}
			for (KnownPeersStore.KnownPeer known : this.knownPeers.peers()) {
				if (!this.config.peers().contains(known.address())) {
					this.reconnector.connectNow(known.address(), false);
				}
			}
			if (this.config.natTraversal().hasServers() && this.subsystems.attached().stream()
				.noneMatch((subsystem) -> NatTraversal.NAME.equals(subsystem.name()))) {
				this.subsystems.attach(new NatTraversal(this.config.natTraversal()));
			}
			try {
				this.subsystems.start(this);
			}
			catch (RatsException ex) {
				stop();
				throw ex;
			}
		}
	}

	/** Says goodbye to every peer and releases every thread and socket. Idempotent; bounded in time. */
	public void stop() {
		synchronized (this.lifecycle) {
			Transport transport = this.transport;
			if (transport == null) {
				return;
			}
			this.subsystems.stop();
			this.transport = null;
			this.reconnector.stop();
			transport.stop();
			saveKnownPeers();
			shutdownExecutors();
			releaseStateDirectory();
			logger.info("Node {} stopped", this.identity.peerId());
		}
	}

	private void lockStateDirectory() {
		if (this.config.stateDir() != null) {
			try {
				this.stateLock = StateDirectoryLock.acquire(this.config.stateDir());
			}
			catch (IOException ex) {
				throw new RatsException(ex.getMessage(), ex);
			}
		}
	}

	private void releaseStateDirectory() {
		if (this.stateLock != null) {
			this.stateLock.close();
			this.stateLock = null;
		}
	}

	private void shutdownExecutors() {
		this.scheduler.shutdownNow();
		this.handlerExecutor.shutdown();
		try {
			ThreadSet.awaitOrAbandon(this.handlerExecutor);
		}
		finally {
			this.threads.release();
			this.threads = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

	public boolean isRunning() {
		return this.transport != null;
	}

	// --- identity and peers -----------------------------------------------------------------------------------

	/** This node's peer id: 40 hex characters derived from its static public key. */
	public String peerId() {
		return this.identity.peerId();
	}

	/** The bound listen port (the real one when configured as 0), or -1 when not running. */
	public int listenPort() {
		Transport transport = this.transport;
		return (transport != null) ? transport.listenPort() : -1;
	}

	public RatsConfig config() {
		return this.config;
	}

	public RatsMetrics metrics() {
		return this.metrics;
	}

	public JsonMapper jsonMapper() {
		return this.jsonMapper;
	}

	/** Name of the network binding in use: "epoll", "nio" or "local". */
	public String transportName() {
		return this.binding.name();
	}

	public List<PeerInfo> peers() {
		Transport transport = this.transport;
		return (transport != null) ? transport.connections().stream().map(PeerConnection::info).toList() : List.of();
	}

	public Optional<PeerInfo> peer(String peerId) {
		return Optional.ofNullable(connection(peerId)).map(PeerConnection::info);
	}

	public int peerCount() {
		Transport transport = this.transport;
		return (transport != null) ? transport.peerCount() : 0;
	}

	/**
	 * How a connected peer is reached, in either direction: {@link ConnectionStrategy#TURN_RELAY} when the
	 * connection runs through a TURN relay, {@link ConnectionStrategy#DIRECT} otherwise. Empty when the peer is not
	 * connected.
	 */
	public Optional<ConnectionStrategy> connectionMethod(String peerId) {
		return peer(peerId).map((info) -> "turn".equals(info.path()) ? ConnectionStrategy.TURN_RELAY
				: ConnectionStrategy.DIRECT);
	}

	/** The last {@value ConnectionAttemptLog#CAPACITY} connection attempts, oldest first, with when they ended. */
	public List<ConnectionAttemptLog.Entry> recentConnectionAttempts() {
		return this.attemptLog.entries();
	}

	public boolean isConnected(String peerId) {
		return connection(peerId) != null;
	}

	/** Whether sends to this peer are keeping up; false also when the peer is not connected. */
	public boolean isWritable(String peerId) {
		PeerConnection connection = connection(peerId);
		return connection != null && connection.isWritable();
	}

	private PeerConnection connection(String peerId) {
		Transport transport = this.transport;
		return (transport != null && peerId != null) ? transport.connection(peerId) : null;
	}

	// --- connecting -------------------------------------------------------------------------------------------

	/** Connects directly; the same as {@code connectToPeer(host, port, ConnectionStrategy.DIRECT)}. */
	public CompletableFuture<ConnectionAttemptResult> connectToPeer(String host, int port) {
		return connectToPeer(host, port, ConnectionStrategy.DIRECT);
	}

	/**
	 * Connects to a peer. The future always completes normally, with a result that says whether and how it
	 * worked; registered attempt callbacks receive the same result.
	 */
	public CompletableFuture<ConnectionAttemptResult> connectToPeer(String host, int port, ConnectionStrategy strategy) {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(strategy, "strategy");
		long started = System.nanoTime();
		Transport transport = this.transport;
		CompletableFuture<ConnectionAttemptResult> result;
		if (transport == null) {
			result = CompletableFuture.completedFuture(ConnectionAttemptResult.failed(host, port, strategy,
					Duration.ZERO, "node is not running"));
		}
		else if (port < 1 || port > 65535) {
			result = CompletableFuture.completedFuture(ConnectionAttemptResult.failed(host, port, strategy,
					Duration.ZERO, "port " + port + " is outside 1..65535"));
		}
		else {
			result = dial(transport, host, port, strategy, started);
		}
		ExecutorService callbacks = (transport != null) ? this.handlerExecutor : null;
		return result.thenApplyAsync((attempt) -> {
			this.attemptLog.add(attempt);
			Listeners.notifyEach(this.attemptListeners, (listener) -> listener.accept(attempt), "connection attempt");
			return attempt;
		}, (task) -> runOn(callbacks, task));
	}

	private CompletableFuture<ConnectionAttemptResult> dial(Transport transport, String host, int port,
			ConnectionStrategy strategy, long started) {
		NatService nat = services().find(NatService.class).orElse(null);
		if (nat != null && isOwnAddress(nat, host, port)) {
			return CompletableFuture.completedFuture(ConnectionAttemptResult.failed(host, port, strategy,
					Duration.ZERO, host + ":" + port + " is this node's own public or relayed address"));
		}
		return switch (strategy) {
			case DIRECT -> direct(transport, host, port, started);
			case TURN_RELAY -> relayed(nat, host, port, started);
			case AUTO_ADAPTIVE -> direct(transport, host, port, started).thenCompose((attempt) ->
					(attempt.success() || nat == null || nat.relayedAddress().isEmpty())
							? CompletableFuture.completedFuture(attempt) : relayed(nat, host, port, started));
			default -> CompletableFuture.completedFuture(ConnectionAttemptResult.failed(host, port, strategy,
					Duration.ZERO, strategy + " is not available yet: DIRECT and TURN_RELAY are implemented"));
		};
	}

	private static boolean isOwnAddress(NatService nat, String host, int port) {
		byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
		if (literal == null) {
			return false;
		}
		try {
			return nat.isOwnAddress(new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(literal), port));
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

	private CompletableFuture<ConnectionAttemptResult> direct(Transport transport, String host, int port,
			long started) {
		return transport.connect(host, port).handle((connection, ex) -> {
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			if (ex != null) {
				return ConnectionAttemptResult.failed(host, port, ConnectionStrategy.DIRECT, took, rootMessage(ex));
			}
			this.dialedAddresses.put(connection.peerId(), new PeerAddress(host, port));
			return ConnectionAttemptResult.succeeded(connection.peerId(), host, port, ConnectionStrategy.DIRECT,
					took);
		});
	}

	private static CompletableFuture<ConnectionAttemptResult> relayed(NatService nat, String host, int port,
			long started) {
		if (nat == null) {
			return CompletableFuture.completedFuture(ConnectionAttemptResult.failed(host, port,
					ConnectionStrategy.TURN_RELAY, Duration.ZERO,
					"TURN_RELAY needs the nat subsystem with a TURN server configured"));
		}
		return nat.connectViaRelay(java.net.InetSocketAddress.createUnresolved(host, port)).handle((peerId, ex) -> {
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			return (ex != null)
					? ConnectionAttemptResult.failed(host, port, ConnectionStrategy.TURN_RELAY, took, rootMessage(ex))
					: ConnectionAttemptResult.succeeded(peerId, host, port, ConnectionStrategy.TURN_RELAY, took);
		});
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = (ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null)
				? ex.getCause() : ex;
		return cause.getMessage();
	}

	/** Runs on the handler pool, or right here once the pool is gone, so an attempt's future always completes. */
	private static void runOn(ExecutorService executor, Runnable task) {
		try {
			if (executor != null) {
				executor.execute(task);
				return;
			}
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// stopping: fall through
		}
		task.run();
	}

	private CompletableFuture<?> dialForReconnect(PeerAddress address) {
		return connectToPeer(address.host(), address.port()).thenApply((attempt) -> {
			if (!attempt.success()) {
				throw new IllegalStateException(attempt.error());
			}
			return attempt;
		});
	}

	/** Closes the connection to a peer with a goodbye; it is not dialed again unless it is a static peer. */
	public void disconnectPeer(String peerId) {
		PeerAddress dialed = this.dialedAddresses.remove(peerId);
		PeerConnection connection = connection(peerId);
		if (connection != null) {
			if (dialed != null && this.config.peers().contains(dialed)) {
				this.dialedAddresses.put(peerId, dialed);
			}
			connection.close(io.librats.transport.GoodbyeReason.NORMAL, "disconnected by application");
		}
	}

	// --- messages ---------------------------------------------------------------------------------------------

	/** Handles JSON messages of {@code type} on the handler pool. */
	public void on(String type, MessageHandler handler) {
		this.messages.on(type, handler, Delivery.EXECUTOR);
	}

	/** Handles JSON messages of {@code type} where {@code delivery} says. */
	public void on(String type, MessageHandler handler, Delivery delivery) {
		this.messages.on(type, handler, delivery);
	}

	/** Handles the next JSON message of {@code type} only. */
	public void once(String type, MessageHandler handler) {
		this.messages.once(type, handler, Delivery.EXECUTOR);
	}

	/** Removes every handler of {@code type}. */
	public void off(String type) {
		this.messages.off(type);
	}

	/** Removes one handler of {@code type}. */
	public void off(String type, MessageHandler handler) {
		this.messages.off(type, handler);
	}

	/**
	 * Hears every message sent and received, with types folded as {@link MessageTrafficListener} says; for metrics.
	 * Runs on I/O threads and must not block.
	 */
	public void onMessageTraffic(MessageTrafficListener listener) {
		this.messages.onTraffic(Objects.requireNonNull(listener, "listener"));
	}

	/** Handles binary messages on the handler pool. */
	public void onBinary(BinaryHandler handler) {
		this.messages.onBinary(handler, Delivery.EXECUTOR);
	}

	/** Handles binary messages where {@code delivery} says. */
	public void onBinary(BinaryHandler handler, Delivery delivery) {
		this.messages.onBinary(handler, delivery);
	}

	public void offBinary(BinaryHandler handler) {
		this.messages.offBinary(handler);
	}

	/**
	 * Sends a JSON message (any value Jackson can write, a {@link JsonNode} included). The future completes when the
	 * frame is written to the socket and fails when it cannot be: not connected, buffer full, too large. It completes
	 * on the connection's I/O thread: chain blocking work with the {@code ...Async} methods of the future.
	 */
	public CompletableFuture<Void> send(String peerId, String type, Object data) {
		return this.messages.send(peerId, type, data);
	}

	/** Sends a JSON message to every connected peer; the future tells how many were written to. */
	public CompletableFuture<Integer> send(String type, Object data) {
		Transport transport = this.transport;
		if (transport == null) {
			return CompletableFuture.completedFuture(0);
		}
		return this.messages.broadcast(transport.connections(), type, data);
	}

	/** Sends raw bytes in a BINARY frame. */
	public CompletableFuture<Void> sendBinary(String peerId, byte[] data) {
		return this.messages.sendBinary(peerId, data);
	}

	/**
	 * Sends a request and waits for the peer's reply. Fails with {@link java.util.concurrent.TimeoutException} after
	 * {@code timeout}, with {@link io.librats.transport.PeerNotConnectedException} if the peer leaves first, and with
	 * {@link io.librats.message.RemoteHandlerException} if the peer answers with an error.
	 */
	public CompletableFuture<JsonNode> request(String peerId, String type, Object data, Duration timeout) {
		return this.messages.request(peerId, type, data, timeout);
	}

	// --- subsystems -------------------------------------------------------------------------------------------

	/**
	 * Attaches an opt-in subsystem (DHT, mDNS, NAT traversal, ...). Attached before {@link #start()}, it starts
	 * once the transport listens; attached to a running node, it starts now, and a failure to start detaches it
	 * again and throws. It stops before the transport closes, or on {@link #detach(String)}.
	 * @throws IllegalStateException if a subsystem of the same name is attached
	 * @throws RatsException if the node is running and the subsystem fails to start
	 */
	public void attach(RatsSubsystem subsystem) {
		Objects.requireNonNull(subsystem, "subsystem");
		synchronized (this.lifecycle) {
			this.subsystems.attach(subsystem);
		}
	}

	/** Stops and removes the subsystem of that name; returns false if none was attached. */
	public boolean detach(String name) {
		synchronized (this.lifecycle) {
			return this.subsystems.detach(name);
		}
	}

	public List<RatsSubsystem> subsystems() {
		return this.subsystems.attached();
	}

	/** Services the attached subsystems offer, for example a DHT handle. */
	public ServiceRegistry services() {
		return this.subsystems.services();
	}

	/** Hears peers found by discovery subsystems (source "dht", "mdns", ...), before they are dialed. */
	public void onPeerDiscovered(Consumer<DiscoveredPeer> listener) {
		this.subsystems.onPeerDiscovered(Objects.requireNonNull(listener, "listener"));
	}

	// --- DHT discovery (librats' start_dht_discovery, find_peers_by_hash, announce_for_hash) ----------------------

	/**
	 * Joins the mainline DHT with {@code config} and discovers rats peers through it (see
	 * {@link DhtDiscovery}). Attached like any subsystem: on a running node it starts now, otherwise with the node.
	 * @throws IllegalStateException if DHT discovery is already attached
	 */
	public void startDhtDiscovery(DhtConfig config) {
		attach(new DhtDiscovery(config));
	}

	/**
	 * Joins the DHT with default settings: an ephemeral UDP port and no bootstrap routers, so it only learns nodes
	 * from its saved state and from nodes that contact it. Give bootstrap nodes with {@link #startDhtDiscovery(DhtConfig)}.
	 */
	public void startDhtDiscovery() {
		startDhtDiscovery(DhtConfig.defaults());
	}

	/** Leaves the DHT; returns false if DHT discovery was not attached. */
	public boolean stopDhtDiscovery() {
		return detach(DhtDiscovery.NAME);
	}

	/** Whether a DHT node is running for this node now. */
	public boolean isDhtRunning() {
		return services().find(DhtService.class).isPresent();
	}

	/**
	 * Looks up the peers announced under a 20-byte infohash. Completes on the handler pool, so continuations may
	 * block; fails with {@link IllegalStateException} when the DHT is not running.
	 */
	public CompletableFuture<List<InetSocketAddress>> findPeers(byte[] infohash) {
		return withDht((dht) -> dht.findPeers(infohash));
	}

	/**
	 * Announces {@code port} (0: our UDP source port, {@code implied_port}) under a 20-byte infohash. Completes
	 * with the number of DHT nodes that accepted, on the handler pool; fails with {@link IllegalStateException} when
	 * the DHT is not running.
	 */
	public CompletableFuture<Integer> announce(byte[] infohash, int port) {
		return withDht((dht) -> dht.announce(infohash, port));
	}

	/** Routing table and peer store counts of the running DHT node, if any. */
	public Optional<DhtStats> dhtStats() {
		return services().find(DhtService.class).map(DhtService::stats);
	}

	private <T> CompletableFuture<T> withDht(Function<DhtService, CompletableFuture<T>> call) {
		return callService(DhtService.class, call, "DHT discovery is not running: call startDhtDiscovery() first");
	}

	/**
	 * Calls a subsystem's service and completes on the handler pool, so that callers' continuations may block
	 * whatever thread the subsystem completes on; fails with {@link IllegalStateException} when it is not running.
	 */
	private <S, T> CompletableFuture<T> callService(Class<S> type, Function<S, CompletableFuture<T>> call,
			String notRunning) {
		Optional<S> service = services().find(type);
		if (service.isEmpty()) {
			return CompletableFuture.failedFuture(new IllegalStateException(notRunning));
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		call.apply(service.get()).whenComplete((value, ex) -> runOn(this.handlerExecutor, () -> {
			if (ex != null) {
				result.completeExceptionally(ex);
			}
			else {
				result.complete(value);
			}
		}));
		return result;
	}

	// --- mDNS local discovery (librats' start_mdns_discovery, stop_mdns_discovery, get_mdns_services) --------------

	/**
	 * Advertises this node on the local link with mDNS/DNS-SD and dials the rats peers found there (see
	 * {@link MdnsDiscovery}). Attached like any subsystem: on a running node it starts now, otherwise with the node.
	 * @throws IllegalStateException if mDNS discovery is already attached
	 */
	public void startMdnsDiscovery(MdnsConfig config) {
		attach(new MdnsDiscovery(config));
	}

	/**
	 * {@link #startMdnsDiscovery(MdnsConfig)} with default settings and the DNS-SD instance name {@code name}
	 * ({@code null}: the host name plus a short peer-id suffix), renamed "name (2)", ... if the link already has it.
	 */
	public void startMdnsDiscovery(String name) {
		startMdnsDiscovery(MdnsConfig.builder().serviceName(name).build());
	}

	/** Stops advertising (sending goodbyes) and browsing; returns false if mDNS discovery was not attached. */
	public boolean stopMdnsDiscovery() {
		return detach(MdnsDiscovery.NAME);
	}

	/** Whether mDNS discovery is running for this node now. */
	public boolean isMdnsRunning() {
		return services().find(MdnsService.class).isPresent();
	}

	/** The rats services mDNS currently sees on the local link; empty when mDNS discovery is not running. */
	public List<MdnsServiceInfo> discoveredServices() {
		return services().find(MdnsService.class).map(MdnsService::discoveredServices).orElse(List.of());
	}

	/** State and counts of the running mDNS discovery, if any. */
	public Optional<MdnsStats> mdnsStats() {
		return services().find(MdnsService.class).map(MdnsService::stats);
	}

	// --- NAT traversal ----------------------------------------------------------------------------------------

	/**
	 * Attaches the {@code "nat"} subsystem with {@code config} (see {@link NatTraversal}): on a running node it
	 * starts now, otherwise with the node. A node whose own configuration names STUN or TURN servers attaches it by
	 * itself at start.
	 * @throws IllegalStateException if NAT traversal is already attached
	 */
	public void startNatTraversal(io.librats.config.NatTraversalConfig config) {
		attach(new NatTraversal(config));
	}

	/** {@link #startNatTraversal(io.librats.config.NatTraversalConfig)} with this node's {@code natTraversal} config. */
	public void startNatTraversal() {
		startNatTraversal(this.config.natTraversal());
	}

	/** Stops NAT traversal (deallocating the TURN relay); returns false if it was not attached. */
	public boolean stopNatTraversal() {
		return detach(NatTraversal.NAME);
	}

	/**
	 * Learns this node's public address from the configured STUN (or TURN) servers, and never dials itself through it
	 * afterwards (librats' {@code discover_and_ignore_public_ip}). Fails with {@link IllegalStateException} when the
	 * {@code "nat"} subsystem is not running (no STUN or TURN server configured and none attached).
	 */
	public CompletableFuture<InetSocketAddress> discoverPublicAddress() {
		return withNat(NatService::discoverPublicAddress);
	}

	/** This node's NAT type by RFC 5780 behaviour discovery, cached for {@code natDetectionTtl}. */
	public CompletableFuture<NatType> detectNatType() {
		return withNat(NatService::detectNatType);
	}

	/** The detailed RFC 5780 measurement behind {@link #detectNatType()}. */
	public CompletableFuture<NatTypeInfo> getNatCharacteristics() {
		return withNat(NatService::natCharacteristics);
	}

	/** The running NAT subsystem's service: public, relayed address and NAT facts. */
	public Optional<NatService> natService() {
		return services().find(NatService.class);
	}

	private <T> CompletableFuture<T> withNat(Function<NatService, CompletableFuture<T>> call) {
		return callService(NatService.class, call,
				"the nat subsystem is not running: configure STUN or TURN servers in NatTraversalConfig");
	}

	/** The node's transport as a host of sessions over subsystem-made streams; {@code null} when not running. */
	io.librats.transport.StreamSessions streams() {
		return this.transport;
	}

	// --- callbacks --------------------------------------------------------------------------------------------

	public void addConnectionListener(ConnectionListener listener) {
		this.connectionListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	public void removeConnectionListener(ConnectionListener listener) {
		this.connectionListeners.remove(listener);
	}

	/** Receives the result of every connection attempt, ours and the reconnector's (librats' advanced callback). */
	public void onConnectionAttempt(Consumer<ConnectionAttemptResult> listener) {
		this.attemptListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * Hears every change of {@link #isWritable}: false when the peer's socket buffer or the frames queued before it
	 * cross the high-water mark, true once both are under the low one. Changes arrive once each and in order, so a
	 * sender can stop on {@code false} and resume on the callback.
	 */
	public void onWritabilityChanged(WritabilityListener listener) {
		this.writabilityListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	ExecutorService handlerExecutor() {
		return this.handlerExecutor;
	}

	/**
	 * Saves the known peers {@value #KNOWN_PEERS_SAVE_DELAY_SECONDS} s after a change, batching the changes of that
	 * time into one write; a node whose peers do not change never wakes for it.
	 */
	private void knownPeersChanged() {
		if (this.knownPeers.file() != null && this.knownPeersSaveScheduled.compareAndSet(false, true)) {
			try {
				this.scheduler.schedule(this::saveKnownPeers, KNOWN_PEERS_SAVE_DELAY_SECONDS, TimeUnit.SECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: stop() saves once more after the transport is down.
				this.knownPeersSaveScheduled.set(false);
			}
		}
	}

	private void saveKnownPeers() {
		// Cleared first: a change from here on schedules the next save, even while this one runs.
		this.knownPeersSaveScheduled.set(false);
		try {
			this.knownPeers.saveIfDirty();
		}
		catch (IOException ex) {
			logger.warn("Could not save known peers: {}", ex.getMessage());
			knownPeersChanged();
		}
	}

	/** Transport events, re-dispatched to listeners in each peer's order. */
	private final class Events implements ConnectionEvents {

		@Override
		public void peerConnected(PeerConnection connection) {
			PeerInfo info = connection.info();
			java.net.InetSocketAddress dialable = connection.dialableAddress();
			if (dialable != null) {
				knownPeers.record(info.peerId(),
						new PeerAddress(dialable.getAddress().getHostAddress(), dialable.getPort()));
				knownPeersChanged();
			}
			connection.orderedExecutor().execute(() -> Listeners.notifyEach(connectionListeners,
					(listener) -> listener.onPeerConnected(info), "connection"));
		}

		@Override
		public void peerDisconnected(PeerConnection connection, String reason) {
			PeerInfo info = connection.info();
			messages.peerGone(connection, reason);
			connection.orderedExecutor().execute(() -> Listeners.notifyEach(connectionListeners,
					(listener) -> listener.onPeerDisconnected(info, reason), "disconnection"));
			PeerAddress dialed = dialedAddresses.get(info.peerId());
			Reconnector reconnector = RatsClient.this.reconnector;
			if (dialed != null && transport != null && reconnector != null) {
				reconnector.reconnect(dialed, config.peers().contains(dialed));
			}
		}

		@Override
		public void writabilityChanged(PeerConnection connection, boolean writable) {
			String peerId = connection.peerId();
			connection.orderedExecutor().execute(() -> Listeners.notifyEach(writabilityListeners,
					(listener) -> listener.onWritabilityChanged(peerId, writable), "writability"));
		}

	}

}
