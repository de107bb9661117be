package io.librats.dht;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.librats.config.PeerAddress;
import io.librats.metrics.RatsMetrics;
import io.librats.nat.ExternalAddressService;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BitTorrent mainline DHT node (BEP 5, with BEP 32 IPv6, BEP 42 secure ids and BEP 43 read-only) on one UDP
 * socket. Create with {@link #builder(DhtConfig)}, {@link #start()}, use it as a {@link DhtService}, and
 * {@link #close()} it.
 *
 * <p>Threading: all of a node's state lives on one Netty event loop; public methods hand their work to it and are
 * safe from any thread (but must not block waiting on it from that loop). Many nodes can share one event loop group
 * ({@link Builder#eventLoops}) for simulations and benchmarks.
 *
 * <p>What it does: answers {@code ping}, {@code find_node}, {@code get_peers} and {@code announce_peer}; keeps a
 * k-bucket routing table of nodes that answered it, refreshed and pinged per BEP 5; runs iterative lookups; stores
 * announced peers with tokens bound to the announcer's IP; learns its external IP (from an
 * {@link ExternalAddressService} or from other nodes' {@code ip} votes) and then takes a BEP 42 id for it; saves
 * its id and routing table in the state directory, if it has one, every five minutes and on close.
 */
public final class DhtNode implements DhtService, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(DhtNode.class);

	/** Our client version in the {@code v} key: "RA" and version 0.1. */
	static final byte[] VERSION = { 'R', 'A', 0, 1 };

	static final long TICK_MILLIS = 5_000;

	static final long SAVE_INTERVAL_MILLIS = 5 * 60 * 1000L;

	static final long REBOOTSTRAP_MILLIS = 30_000;

	static final long PEER_EXPIRY_SWEEP_MILLIS = 60_000;

	/** A node that queried us and is not in our table is pinged at most once in this time. */
	static final long VERIFY_INTERVAL_MILLIS = 5 * 60 * 1000L;

	static final int MAX_VERIFY_ENTRIES = 2048;

	static final int PINGS_PER_TICK = 4;

	static final int MAX_RECEIVE_SIZE = 2048;

	private final DhtConfig config;

	private final RatsMetrics metrics;

	private final Path stateDir;

	private final ExternalAddressService externalAddress;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final UdpBinding binding;

	private final EventLoopGroup sharedGroup;

	private final QueryObserver queryObserver;

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean stopped = new AtomicBoolean();

	// --- set in start(), then confined to the event loop ---------------------------------------------------

	private EventLoopGroup ownGroup;

	private Channel channel;

	private EventLoop loop;

	private boolean ipv6;

	private int boundPort;

	private NodeId id;

	private RoutingTable table;

	private TokenManager tokens;

	private PeerStore peerStore;

	private RateLimiter limiter;

	private Transactions transactions;

	private QueryHandler queryHandler;

	private final AddressVoter voter = new AddressVoter();

	private List<InetSocketAddress> bootstrapAddresses = List.of();

	private List<Contact> savedNodes = List.of();

	private final Set<NodeId> pinging = new HashSet<>();

	/** When each unknown querier was last pinged, oldest first (re-inserted on every ping). */
	private final LinkedHashMap<InetSocketAddress, Long> verified = new LinkedHashMap<>(64, 0.75f, false) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Long> eldest) {
			return size() > MAX_VERIFY_ENTRIES;
		}
	};

	private InetAddress idAddress;

	private boolean closed;

	private ScheduledFuture<?> ticker;

	private long lastBootstrap;

	private long rebootstrapDelay = 1000;

	private long lastSave;

	private long lastExpirySweep;

	private CompletableFuture<Void> bootstrapping;

	private DhtStateFile stateFile;

	private ExecutorService fileWriter;

	private DhtNode(Builder builder) {
		this.config = builder.config;
		this.metrics = (builder.metrics != null) ? builder.metrics : new RatsMetrics();
		this.stateDir = builder.stateDir;
		this.externalAddress = builder.externalAddress;
		this.clock = builder.clock;
		this.binding = (builder.binding != null) ? builder.binding : UdpBinding.select(this.config.nativeTransport());
		this.sharedGroup = builder.group;
		this.queryObserver = builder.queryObserver;
	}

	public static Builder builder(DhtConfig config) {
		return new Builder(config);
	}

	/** How to build a node; everything but the configuration is optional. */
	public static final class Builder {

		private final DhtConfig config;

		private RatsMetrics metrics;

		private Path stateDir;

		private ExternalAddressService externalAddress;

		private UdpBinding binding;

		private EventLoopGroup group;

		private Clock clock = Clock.systemUTC();

		private QueryObserver queryObserver = (query, from, errorCode) -> {
		};

		private Builder(DhtConfig config) {
			this.config = Objects.requireNonNull(config, "config");
		}

		/** Counters to add to (names in {@link DhtMetrics}); default: a private set. */
		public Builder metrics(RatsMetrics metrics) {
			this.metrics = metrics;
			return this;
		}

		/** Where to keep {@code dht-state.dat}; default none (nothing is written). */
		public Builder stateDir(Path stateDir) {
			this.stateDir = stateDir;
			return this;
		}

		/** Where to learn our external IP for a BEP 42 id; default: only from other nodes' votes. */
		public Builder externalAddress(ExternalAddressService service) {
			this.externalAddress = service;
			return this;
		}

		/**
		 * Runs the node on a shared event loop group made by {@code binding}; the caller owns and shuts the group
		 * down after closing its nodes. Default: the node makes and owns a one-thread group.
		 */
		public Builder eventLoops(UdpBinding binding, EventLoopGroup group) {
			this.binding = Objects.requireNonNull(binding, "binding");
			this.group = Objects.requireNonNull(group, "group");
			return this;
		}

		/** The clock for node liveness, tokens and store expiry (tests). */
		Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/** Told about every query the node answers, on the node's event loop (tests and tools). */
		Builder queryObserver(QueryObserver observer) {
			this.queryObserver = Objects.requireNonNull(observer, "observer");
			return this;
		}

		public DhtNode build() {
			return new DhtNode(this);
		}

	}

	// --- lifecycle ---------------------------------------------------------------------------------------------

	/**
	 * Binds the socket, loads the saved state and starts bootstrapping (in the background: see {@link #bootstrap()}).
	 * Blocks while binding; do not call from an event loop.
	 * @throws IOException if the address cannot be resolved or bound
	 */
	public DhtNode start() throws IOException {
		if (!this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("already started");
		}
		InetAddress bindAddress = InetAddress.getByName(this.config.bindAddress());
		this.ipv6 = bindAddress instanceof Inet6Address;
		this.bootstrapAddresses = resolve(this.config.bootstrap(), this.ipv6);
		NodeId savedId = loadState();
		EventLoopGroup group = this.sharedGroup;
		if (group == null) {
			this.ownGroup = this.binding.newEventLoopGroup(1, new DefaultThreadFactory("rats-dht", true));
			group = this.ownGroup;
		}
		Bootstrap bootstrap = new Bootstrap().group(group)
			.channel(this.binding.channelType())
			.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_RECEIVE_SIZE))
			.handler(new Inbound());
		try {
			ChannelFuture registered = bootstrap.register();
			if (!registered.awaitUninterruptibly(10, TimeUnit.SECONDS) || !registered.isSuccess()) {
				throw new IOException("cannot open a UDP socket", registered.cause());
			}
			this.channel = registered.channel();
			this.loop = this.channel.eventLoop();
			CompletableFuture<Void> init = new CompletableFuture<>();
			this.loop.execute(() -> {
				try {
					initialize(savedId);
					init.complete(null);
				}
				catch (RuntimeException ex) {
					init.completeExceptionally(ex);
				}
			});
			init.get(10, TimeUnit.SECONDS);
			ChannelFuture bound = this.channel.bind(new InetSocketAddress(bindAddress, this.config.port()));
			if (!bound.awaitUninterruptibly(10, TimeUnit.SECONDS) || !bound.isSuccess()) {
				throw new IOException("cannot bind UDP " + Compact.format(new InetSocketAddress(bindAddress,
						this.config.port())) + ": " + ((bound.cause() != null) ? bound.cause().getMessage() : "timeout"),
						bound.cause());
			}
			this.boundPort = ((InetSocketAddress) this.channel.localAddress()).getPort();
		}
		catch (IOException | RuntimeException | InterruptedException | ExecutionException | TimeoutException ex) {
			this.stopped.set(true);
			releaseSocket();
			if (this.fileWriter != null) {
				this.fileWriter.shutdownNow();
			}
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw (ex instanceof IOException io) ? io : new IOException("cannot start the DHT node: " + ex, ex);
		}
		this.loop.execute(() -> {
			long now = this.clock.millis();
			this.lastSave = now;
			this.lastExpirySweep = now;
			this.ticker = this.loop.scheduleWithFixedDelay(this::tick, TICK_MILLIS + this.random.nextInt(1000),
					TICK_MILLIS, TimeUnit.MILLISECONDS);
			for (Contact saved : this.savedNodes) {
				ping(saved, 0);
			}
			bootstrapNow();
		});
		logger.debug("DHT node {} listening on UDP {} ({})", this.id, Compact.format(localAddress()),
				this.binding.name());
		return this;
	}

	private NodeId loadState() {
		if (this.stateDir == null) {
			return null;
		}
		this.stateFile = new DhtStateFile(this.stateDir);
		this.fileWriter = Executors.newSingleThreadExecutor(new DefaultThreadFactory("rats-dht-state", true));
		try {
			DhtStateFile.State state = this.stateFile.load();
			if (state == null) {
				return null;
			}
			this.savedNodes = state.nodes();
			return state.id();
		}
		catch (IOException ex) {
			logger.warn("Ignoring the DHT state: {}", ex.getMessage());
			return null;
		}
	}

	private void initialize(NodeId savedId) {
		long now = this.clock.millis();
		NodeId initial = (savedId != null) ? savedId : NodeId.random(this.random);
		Optional<InetAddress> external = knownExternalAddress();
		if (external.isPresent() && needsNewId(initial, external.get())) {
			initial = SecureNodeId.generate(external.get(), this.random);
			this.idAddress = external.get();
		}
		this.id = initial;
		this.table = newTable(initial, now);
		this.tokens = new TokenManager(this.clock, this.random);
		this.peerStore = new PeerStore(this.config.maxInfohashes(), this.config.maxPeersPerInfohash());
		this.limiter = new RateLimiter(this.config.queriesPerSecondPerIp(), this.config.queryBurstPerIp(),
				this.config.maxTrackedIps());
		this.transactions = new Transactions(this.config.maxOutstandingQueries(), this.config.queryTimeout().toMillis(),
				this::send, this.loop, this.config.readOnly(), VERSION, this.random);
		this.queryHandler = new QueryHandler(new QueryHandler.Node() {
			@Override
			public NodeId selfId() {
				return DhtNode.this.id;
			}

			@Override
			public RoutingTable table() {
				return DhtNode.this.table;
			}

			@Override
			public boolean ipv6() {
				return DhtNode.this.ipv6;
			}

			@Override
			public long nowMillis() {
				return DhtNode.this.clock.millis();
			}
		}, this.tokens, this.peerStore, this.config.maxValuesPerResponse(), this.random);
	}

	private RoutingTable newTable(NodeId self, long now) {
		return new RoutingTable(self, this.config.replacementCacheSize(), this.config.restrictRoutingIps(),
				this::admissible, now);
	}

	/** BEP 42 admission policy: with {@code enforceNodeId}, a node's id must be valid for its IP. */
	private boolean admissible(Contact contact) {
		return !this.config.enforceNodeId() || SecureNodeId.isValid(contact.id(), contact.address().getAddress(),
				this.config.secureIdsOnLocalAddresses());
	}

	private static List<InetSocketAddress> resolve(List<PeerAddress> addresses, boolean ipv6) {
		List<InetSocketAddress> resolved = new ArrayList<>();
		for (PeerAddress address : addresses) {
			try {
				InetAddress match = null;
				for (InetAddress candidate : InetAddress.getAllByName(address.host())) {
					if ((candidate instanceof Inet6Address) == ipv6) {
						match = candidate;
						break;
					}
				}
				if (match == null) {
					logger.warn("DHT bootstrap node {} has no {} address", address, ipv6 ? "IPv6" : "IPv4");
				}
				else {
					resolved.add(new InetSocketAddress(match, address.port()));
				}
			}
			catch (UnknownHostException ex) {
				logger.warn("Cannot resolve DHT bootstrap node {}: {}", address, ex.getMessage());
			}
		}
		return List.copyOf(resolved);
	}

	/**
	 * Stops the node: outstanding lookups complete with what they found, the socket closes, the state is saved.
	 * Idempotent; bounded in time. Do not call from the node's event loop.
	 */
	@Override
	public void close() {
		if (!this.started.get() || !this.stopped.compareAndSet(false, true)) {
			return;
		}
		byte[] snapshot = null;
		CompletableFuture<byte[]> closing = new CompletableFuture<>();
		try {
			this.loop.execute(() -> {
				this.closed = true;
				if (this.ticker != null) {
					this.ticker.cancel(false);
				}
				this.transactions.cancelAll();
				closing.complete((this.stateFile != null) ? DhtStateFile.encode(this.id, this.table.contacts()) : null);
			});
			snapshot = closing.get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("DHT node did not stop cleanly: {}", ex.toString());
		}
		releaseSocket();
		if (this.fileWriter != null) {
			this.fileWriter.shutdown();
			try {
				this.fileWriter.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (snapshot != null) {
				writeState(snapshot);
			}
		}
	}

	private void releaseSocket() {
		if (this.channel != null) {
			this.channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
		if (this.ownGroup != null) {
			this.ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	private void writeState(byte[] snapshot) {
		try {
			this.stateFile.save(snapshot);
		}
		catch (IOException ex) {
			logger.warn("Cannot save the DHT state to {}: {}", this.stateFile.file(), ex.getMessage());
		}
	}

	// --- public API --------------------------------------------------------------------------------------------

	/** The UDP port the node is bound to. */
	@Override
	public int port() {
		return this.boundPort;
	}

	/** The bound socket address. */
	public InetSocketAddress localAddress() {
		Channel channel = this.channel;
		return (channel != null) ? (InetSocketAddress) channel.localAddress() : null;
	}

	/** Our current node id, 40 hex characters (it changes once to a BEP 42 id when our external IP is learned). */
	public String nodeId() {
		if (this.loop == null) {
			throw new IllegalStateException("DHT node not started");
		}
		return call(() -> this.id.toHex());
	}

	/**
	 * Looks up our own id from the routing table, the bootstrap nodes and the saved nodes, which fills the routing
	 * table. Runs at start, and again (1 s, 2 s, 4 s ... 30 s later) while the table holds fewer than k nodes;
	 * completes when the lookup ends.
	 */
	public CompletableFuture<Void> bootstrap() {
		CompletableFuture<Void> result = new CompletableFuture<>();
		runOnLoop(result, () -> bootstrapNow().whenComplete((ignored, ex) -> result.complete(null)));
		return result;
	}

	@Override
	public CompletableFuture<List<InetSocketAddress>> findPeers(byte[] infohash) {
		NodeId target = NodeId.of(Objects.requireNonNull(infohash, "infohash"));
		CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
		runOnLoop(result, () -> lookup(Lookup.Kind.GET_PEERS, target, (found) -> {
			// we are a DHT node too: peers announced to us count
			Set<InetSocketAddress> peers = new LinkedHashSet<>(found.peers());
			peers.addAll(this.peerStore.peers(target, Lookup.MAX_PEERS, this.clock.millis(), this.random));
			result.complete(new ArrayList<>(peers));
		}));
		return result;
	}

	@Override
	public CompletableFuture<Integer> announce(byte[] infohash, int port) {
		NodeId target = NodeId.of(Objects.requireNonNull(infohash, "infohash"));
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port " + port + " is outside 0..65535");
		}
		CompletableFuture<Integer> result = new CompletableFuture<>();
		runOnLoop(result, () -> lookup(Lookup.Kind.GET_PEERS, target, (found) -> announceTo(target, port, found,
				result)));
		return result;
	}

	/**
	 * A lookup's raw result, for tests and benchmarks: the closest nodes, peers, and the number of queries sent.
	 */
	CompletableFuture<Lookup.Result> lookupForTest(boolean getPeers, byte[] target) {
		CompletableFuture<Lookup.Result> result = new CompletableFuture<>();
		runOnLoop(result, () -> lookup(getPeers ? Lookup.Kind.GET_PEERS : Lookup.Kind.FIND_NODE, NodeId.of(target),
				result::complete));
		return result;
	}

	@Override
	public DhtStats stats() {
		return call(this::computeStats);
	}

	/** The counters this node adds to. */
	public RatsMetrics metrics() {
		return this.metrics;
	}

	/** Sends a {@code ping} to {@code address}; completes with whether it answered (for tests and tools). */
	public CompletableFuture<Boolean> ping(InetSocketAddress address) {
		return request(address, Krpc.PING, Map.of()).thenApply(Objects::nonNull);
	}

	/**
	 * Sends one {@code method} query with {@code args} (our {@code id} is added) to {@code address}, retransmitted
	 * {@code queryRetries} times; completes with the answer ({@link Krpc.Response} or {@link Krpc.Error}), or with
	 * {@code null} when none came in time (tests and tools).
	 */
	CompletableFuture<Krpc.Message> request(InetSocketAddress address, String method, Map<String, Object> args) {
		CompletableFuture<Krpc.Message> result = new CompletableFuture<>();
		runOnLoop(result, () -> {
			Map<String, Object> withId = idArgs();
			withId.putAll(args);
			boolean sent = query(address, null, method, withId, this.config.queryRetries(),
					new Transactions.Callback() {
						@Override
						public void response(Krpc.Response response, InetSocketAddress from) {
							result.complete(response);
						}

						@Override
						public void error(Krpc.Error error) {
							result.complete(error);
						}

						@Override
						public void timeout() {
							result.complete(null);
						}
					});
			if (!sent) {
				result.complete(null);
			}
		});
		return result;
	}

	/** Runs {@code action} on the loop, or fails {@code future} when the node is not running. */
	private void runOnLoop(CompletableFuture<?> future, Runnable action) {
		if (!this.started.get() || this.stopped.get()) {
			future.completeExceptionally(new IllegalStateException("DHT node is not running"));
			return;
		}
		try {
			this.loop.execute(() -> {
				if (this.closed) {
					future.completeExceptionally(new IllegalStateException("DHT node is not running"));
					return;
				}
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					future.completeExceptionally(ex);
				}
			});
		}
		catch (RuntimeException ex) { // loop shutting down
			future.completeExceptionally(new IllegalStateException("DHT node is not running", ex));
		}
	}

	/** Runs {@code task} on the loop and waits (or runs it here once the loop is gone or when on it). */
	private <T> T call(java.util.concurrent.Callable<T> task) {
		try {
			if (this.loop == null || this.loop.inEventLoop() || this.stopped.get()) {
				return task.call();
			}
			return this.loop.submit(task).get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("DHT node did not answer: " + ex, ex);
		}
	}

	private DhtStats computeStats() {
		if (this.table == null) {
			return new DhtStats("", 0, 0, 0, 0, 0, 0, 0, 0, 0);
		}
		int[] counts = this.table.counts(this.clock.millis());
		return new DhtStats(this.id.toHex(), counts[0], this.table.bucketCount(), counts[1], counts[2], counts[3],
				counts[4], this.peerStore.infohashCount(), this.peerStore.peerCount(), this.transactions.outstanding());
	}

	// --- lookups and announces (event loop) --------------------------------------------------------------------

	private final Lookup.Querier querier = new Lookup.Querier() {
		@Override
		public boolean query(InetSocketAddress to, NodeId expectedId, String method, Map<String, Object> args,
				Transactions.Callback callback) {
			return DhtNode.this.query(to, expectedId, method, args, 0, callback);
		}

		@Override
		public NodeId selfId() {
			return DhtNode.this.id;
		}

		@Override
		public boolean ipv6() {
			return DhtNode.this.ipv6;
		}
	};

	private void lookup(Lookup.Kind kind, NodeId target, java.util.function.Consumer<Lookup.Result> done) {
		this.metrics.increment(DhtMetrics.LOOKUPS);
		Lookup lookup = new Lookup(kind, target, this.querier, this.config.alpha(), RoutingTable.K,
				this.config.maxQueriesPerLookup(), done);
		long now = this.clock.millis();
		List<Contact> seeds = this.table.closest(target, 3 * RoutingTable.K, now);
		List<InetSocketAddress> unknown = (seeds.size() < RoutingTable.K) ? this.bootstrapAddresses : List.of();
		lookup.start(seeds, unknown);
	}

	private CompletableFuture<Void> bootstrapNow() {
		if (this.bootstrapping != null && !this.bootstrapping.isDone()) {
			return this.bootstrapping;
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.bootstrapping = done;
		this.lastBootstrap = this.clock.millis();
		Lookup lookup = new Lookup(Lookup.Kind.FIND_NODE, this.id, this.querier, this.config.alpha(), RoutingTable.K,
				this.config.maxQueriesPerLookup(), (result) -> {
					done.complete(null);
					fillBuckets(0);
					retryBootstrapIfSmall();
				});
		this.metrics.increment(DhtMetrics.LOOKUPS);
		List<Contact> seeds = new ArrayList<>(this.table.closest(this.id, 3 * RoutingTable.K, this.lastBootstrap));
		seeds.addAll(this.savedNodes);
		this.savedNodes = List.of();
		lookup.start(seeds, this.bootstrapAddresses);
		return done;
	}

	/**
	 * While the table holds fewer than k nodes (nodes that bootstrapped at the same time as us were not known to
	 * anyone yet), bootstraps again after 1 s, 2 s, 4 s, ... up to {@link #REBOOTSTRAP_MILLIS}.
	 */
	private void retryBootstrapIfSmall() {
		if (this.closed) {
			return;
		}
		if (this.table.size() >= RoutingTable.K) {
			this.rebootstrapDelay = 1000;
			return;
		}
		long delay = this.rebootstrapDelay;
		this.rebootstrapDelay = Math.min(REBOOTSTRAP_MILLIS, delay * 2);
		this.loop.schedule(() -> {
			if (!this.closed) {
				bootstrapNow();
			}
		}, delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * After bootstrapping, looks up a random id in each bucket that is not full, one bucket after another, so far
	 * buckets fill without waiting for the 15-minute refresh.
	 */
	private void fillBuckets(int from) {
		if (this.closed) {
			return;
		}
		List<RoutingTable.Bucket> buckets = this.table.buckets();
		for (int i = from; i < buckets.size() - 1; i++) {
			if (buckets.get(i).entries.size() < RoutingTable.K) {
				int next = i + 1;
				lookup(Lookup.Kind.FIND_NODE, this.table.randomIdInBucket(i, this.random), (result) -> fillBuckets(next));
				return;
			}
		}
	}

	private void announceTo(NodeId infohash, int port, Lookup.Result found, CompletableFuture<Integer> result) {
		if (found.tokens().isEmpty()) {
			result.complete(0);
			return;
		}
		int[] accepted = { 0 };
		int[] pending = { found.tokens().size() };
		for (Map.Entry<Contact, byte[]> entry : found.tokens().entrySet()) {
			Map<String, Object> args = idArgs();
			args.put("info_hash", infohash.toBytes());
			args.put("port", (long) ((port == 0) ? this.boundPort : port));
			args.put("implied_port", (port == 0) ? 1L : 0L);
			args.put("token", entry.getValue());
			Transactions.Callback callback = new Transactions.Callback() {
				@Override
				public void response(Krpc.Response response, InetSocketAddress from) {
					accepted[0]++;
					done();
				}

				@Override
				public void error(Krpc.Error error) {
					logger.debug("announce_peer to {} refused: {} {}", entry.getKey(), error.code(), error.text());
					done();
				}

				@Override
				public void timeout() {
					done();
				}

				private void done() {
					if (--pending[0] == 0) {
						result.complete(accepted[0]);
					}
				}
			};
			if (!query(entry.getKey().address(), entry.getKey().id(), Krpc.ANNOUNCE_PEER, args,
					this.config.queryRetries(), callback)) {
				callback.timeout();
			}
		}
	}

	private Map<String, Object> idArgs() {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("id", this.id.toBytes());
		return args;
	}

	// --- sending and receiving (event loop) --------------------------------------------------------------------

	/** Sends a query through the transaction table and keeps the routing table informed of the outcome. */
	private boolean query(InetSocketAddress to, NodeId expectedId, String method, Map<String, Object> args,
			int retries, Transactions.Callback callback) {
		if (this.closed) {
			return false;
		}
		boolean sent = this.transactions.send(to, method, args, retries, new Transactions.Callback() {
			@Override
			public void response(Krpc.Response response, InetSocketAddress from) {
				heardResponse(response, from);
				callback.response(response, from);
			}

			@Override
			public void error(Krpc.Error error) {
				DhtNode.this.metrics.increment(DhtMetrics.ERRORS_IN);
				callback.error(error);
			}

			@Override
			public void timeout() {
				DhtNode.this.metrics.increment(DhtMetrics.QUERIES_TIMED_OUT);
				if (expectedId != null && !DhtNode.this.closed) {
					DhtNode.this.table.failed(expectedId, to, DhtNode.this.clock.millis());
				}
				callback.timeout();
			}
		});
		this.metrics.increment(sent ? DhtMetrics.QUERIES_OUT : DhtMetrics.QUERIES_REJECTED);
		return sent;
	}

	private void ping(Contact contact, int retries) {
		if (!this.pinging.add(contact.id())) {
			return;
		}
		boolean sent = query(contact.address(), contact.id(), Krpc.PING, idArgs(), retries,
				new Transactions.Callback() {
					@Override
					public void response(Krpc.Response response, InetSocketAddress from) {
						DhtNode.this.pinging.remove(contact.id());
					}

					@Override
					public void error(Krpc.Error error) {
						DhtNode.this.pinging.remove(contact.id());
					}

					@Override
					public void timeout() {
						DhtNode.this.pinging.remove(contact.id());
					}
				});
		if (!sent) {
			this.pinging.remove(contact.id());
		}
	}

	private void heardResponse(Krpc.Response response, InetSocketAddress from) {
		this.metrics.increment(DhtMetrics.RESPONSES_IN);
		if (response.ip() != null) {
			this.voter.vote(from.getAddress(), response.ip().getAddress());
		}
		if (response.id().equals(this.id) || this.closed) {
			return;
		}
		long now = this.clock.millis();
		Contact contact = new Contact(response.id(), from);
		if (this.table.responded(contact, now) == RoutingTable.Outcome.CACHED) {
			Contact stale = this.table.questionableToPing(contact.id(), now);
			if (stale != null) {
				ping(stale, this.config.queryRetries());
			}
		}
	}

	private void send(byte[] packet, InetSocketAddress to) {
		InetAddress address = to.getAddress();
		if (this.closed || address == null || to.getPort() == 0 || address.isMulticastAddress()
				|| address.isAnyLocalAddress() || (address instanceof Inet6Address) != this.ipv6
				|| !this.channel.isActive()) {
			this.metrics.increment(DhtMetrics.PACKETS_DROPPED);
			return;
		}
		this.metrics.increment(DhtMetrics.PACKETS_OUT);
		this.channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to), this.channel.voidPromise());
	}

	/** Sees every query a node answers, on the node's event loop (tests and tools). */
	interface QueryObserver {

		/** {@code query} from {@code from} was answered: {@code errorCode} 0 with a response, else with that error. */
		void answered(Krpc.Query query, InetSocketAddress from, int errorCode);

	}

	private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
			ByteBuf content = packet.content();
			byte[] bytes = new byte[content.readableBytes()];
			content.readBytes(bytes);
			onPacket(bytes, packet.sender());
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			logger.debug("DHT socket error: {}", cause.toString());
		}

	}

	/** One datagram from {@code from}. Nothing a remote sends can throw out of here. */
	void onPacket(byte[] data, InetSocketAddress from) {
		this.metrics.increment(DhtMetrics.PACKETS_IN);
		if (this.closed || from == null || from.getPort() == 0 || this.table == null) {
			return;
		}
		Krpc.Message message;
		try {
			message = Krpc.decode(data);
		}
		catch (BencodeException ex) {
			this.metrics.increment(DhtMetrics.PACKETS_MALFORMED);
			logger.trace("Malformed DHT packet from {}: {}", from, ex.getMessage());
			return;
		}
		catch (KrpcException ex) {
			if (ex.transactionId() == null) {
				this.metrics.increment(DhtMetrics.PACKETS_MALFORMED);
				return;
			}
			this.metrics.increment(DhtMetrics.QUERIES_IN);
			if (admitQuery(from)) {
				answerError(ex, from);
			}
			return;
		}
		try {
			if (message instanceof Krpc.Query query) {
				onQuery(query, from);
			}
			else if (!this.transactions.complete(message, from)) {
				this.metrics.increment(DhtMetrics.RESPONSES_UNMATCHED);
			}
		}
		catch (RuntimeException ex) {
			// a bug, not the remote's fault: keep the node alive and say so
			logger.error("DHT failed to handle a packet from {}", from, ex);
		}
	}

	private boolean admitQuery(InetSocketAddress from) {
		if (!this.limiter.tryAcquire(from.getAddress(), System.nanoTime())) {
			this.metrics.increment(DhtMetrics.QUERIES_RATE_LIMITED);
			return false;
		}
		if (this.config.readOnly()) {
			this.metrics.increment(DhtMetrics.QUERIES_IGNORED_READ_ONLY);
			return false;
		}
		return true;
	}

	private void onQuery(Krpc.Query query, InetSocketAddress from) {
		this.metrics.increment(DhtMetrics.QUERIES_IN);
		if (!admitQuery(from)) {
			return;
		}
		Map<String, Object> values;
		try {
			values = this.queryHandler.answer(query, from);
		}
		catch (KrpcException ex) {
			answerError(ex, from);
			this.queryObserver.answered(query, from, ex.code());
			return;
		}
		if (Krpc.ANNOUNCE_PEER.equals(query.method())) {
			this.metrics.increment(DhtMetrics.ANNOUNCES_STORED);
		}
		send(Krpc.response(query.transactionId(), values, from, VERSION), from);
		this.queryObserver.answered(query, from, 0);
		if (!query.readOnly()) {
			heardQuery(NodeId.of((byte[]) query.args().get("id")), from);
		}
	}

	private void answerError(KrpcException ex, InetSocketAddress from) {
		this.metrics.increment(DhtMetrics.QUERIES_INVALID);
		send(Krpc.error(ex.transactionId(), ex.code(), ex.getMessage(), VERSION), from);
	}

	/**
	 * A node queried us: refresh it if we know it, otherwise ping it (at most once per
	 * {@link #VERIFY_INTERVAL_MILLIS}) so that it enters the table only by answering from its address.
	 */
	private void heardQuery(NodeId nodeId, InetSocketAddress from) {
		if (nodeId.equals(this.id)) {
			return;
		}
		long now = this.clock.millis();
		Contact contact = new Contact(nodeId, from);
		this.table.queried(contact, now);
		if (this.table.find(nodeId) != null || !admissible(contact)
				|| this.transactions.outstanding() > this.config.maxOutstandingQueries() / 2) {
			return;
		}
		Long last = this.verified.get(from);
		if (last != null && now - last < VERIFY_INTERVAL_MILLIS) {
			return;
		}
		this.verified.remove(from);
		this.verified.put(from, now);
		ping(contact, 0);
	}

	// --- maintenance (event loop) ------------------------------------------------------------------------------

	private void tick() {
		if (this.closed) {
			return;
		}
		try {
			long now = this.clock.millis();
			checkExternalAddress();
			if (this.table.size() < RoutingTable.K && now - this.lastBootstrap >= 2 * REBOOTSTRAP_MILLIS) {
				bootstrapNow();
			}
			for (NodeId target : this.table.refreshTargets(now, this.config.bucketRefreshInterval().toMillis(),
					this.random)) {
				lookup(Lookup.Kind.FIND_NODE, target, (result) -> {
				});
			}
			int pinged = 0;
			for (Contact contact : this.table.questionable(now)) {
				if (pinged++ >= PINGS_PER_TICK) {
					break;
				}
				ping(contact, this.config.queryRetries());
			}
			if (now - this.lastExpirySweep >= PEER_EXPIRY_SWEEP_MILLIS) {
				this.lastExpirySweep = now;
				this.peerStore.expireAll(now);
				this.limiter.expireIdle(System.nanoTime());
				var verifiedAt = this.verified.values().iterator();
				while (verifiedAt.hasNext() && now - verifiedAt.next() >= VERIFY_INTERVAL_MILLIS) {
					verifiedAt.remove();
				}
			}
			if (this.stateFile != null && now - this.lastSave >= SAVE_INTERVAL_MILLIS) {
				this.lastSave = now;
				byte[] snapshot = DhtStateFile.encode(this.id, this.table.contacts());
				this.fileWriter.execute(() -> writeState(snapshot));
			}
		}
		catch (RuntimeException ex) {
			logger.error("DHT maintenance failed", ex);
		}
	}

	private Optional<InetAddress> knownExternalAddress() {
		if (this.externalAddress != null) {
			try {
				Optional<InetAddress> address = this.externalAddress.externalAddress();
				if (address.isPresent()) {
					return address;
				}
			}
			catch (RuntimeException ex) {
				logger.debug("External address service failed: {}", ex.toString());
			}
		}
		return this.voter.consensus();
	}

	private boolean needsNewId(NodeId current, InetAddress external) {
		if ((external instanceof Inet6Address) != this.ipv6) {
			return false;
		}
		boolean checkLocal = this.config.secureIdsOnLocalAddresses();
		if (!checkLocal && SecureNodeId.isExempt(external)) {
			return false;
		}
		return !SecureNodeId.isValid(current, external, checkLocal);
	}

	/** When our external IP is known and our id is not valid for it, take a BEP 42 id and re-bootstrap. */
	private void checkExternalAddress() {
		Optional<InetAddress> external = knownExternalAddress();
		if (external.isEmpty() || external.get().equals(this.idAddress) || !needsNewId(this.id, external.get())) {
			return;
		}
		this.idAddress = external.get();
		NodeId old = this.id;
		this.id = SecureNodeId.generate(external.get(), this.random);
		long now = this.clock.millis();
		RoutingTable previous = this.table;
		this.table = newTable(this.id, now);
		for (Contact contact : previous.contacts()) {
			this.table.responded(contact, now);
		}
		this.metrics.increment(DhtMetrics.NODE_ID_CHANGES);
		logger.info("DHT node id {} -> {} (BEP 42, external address {})", old, this.id,
				external.get().getHostAddress());
		this.bootstrapping = null;
		bootstrapNow();
	}

}
