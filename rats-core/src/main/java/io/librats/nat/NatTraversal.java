package io.librats.nat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.librats.config.NatTraversalConfig;
import io.librats.config.PeerAddress;
import io.librats.config.TurnServer;
import io.librats.stun.StunClass;
import io.librats.stun.StunClient;
import io.librats.stun.StunException;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;
import io.librats.stun.StunTimers;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;
import io.librats.transport.StreamSessions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code "nat"} subsystem: STUN public address discovery, RFC 5780 NAT behaviour discovery and a TURN relay
 * listener, offered to the node as a {@link NatService} (and an {@link ExternalAddressService}). Attached by
 * {@link io.librats.RatsClient} at start when {@link NatTraversalConfig} names STUN or TURN servers, or by the
 * application before that. Its STUN sockets and the TURN control connection run on one event loop of its own; the
 * relayed peer connections run on the node's event loops like any other peer.
 */
public final class NatTraversal implements RatsSubsystem {

	private static final Logger logger = LoggerFactory.getLogger(NatTraversal.class);

	/** The subsystem's name, also the prefix of its metrics. */
	public static final String NAME = "nat";

	/** Public addresses remembered at most (one per server family and interface in practice). */
	private static final int MAX_PUBLIC_ADDRESSES = 16;

	private final NatTraversalConfig config;

	private final Object lock = new Object();

	private final Service service = new Service();

	private final Set<InetSocketAddress> publicAddresses = ConcurrentHashMap.newKeySet();

	private volatile SubsystemContext context;

	private volatile EventLoopGroup group;

	private volatile TurnRelay relay;

	private volatile InetSocketAddress publicAddress;

	private volatile NatTypeInfo lastInfo;

	private CompletableFuture<NatTypeInfo> detecting;

	private ScheduledFuture<?> addressTask;

	private Set<String> localAddresses;

	public NatTraversal(NatTraversalConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void start(SubsystemContext context) {
		synchronized (this.lock) {
			this.context = context;
			this.group = new MultiThreadIoEventLoopGroup(1,
					new DefaultThreadFactory("rats-nat-" + context.peerId().substring(0, 8), true),
					NioIoHandler.newFactory());
			context.services().register(NatService.class, this.service);
			try {
				context.services().register(ExternalAddressService.class, this.service);
			}
			catch (IllegalStateException ex) {
				logger.debug("Another subsystem already provides the external address");
			}
			this.localAddresses = localAddresses();
			long every = this.config.addressCheckInterval().toMillis();
			this.addressTask = context.scheduler().scheduleWithFixedDelay(() -> this.group.execute(this::checkAddresses),
					every, every, TimeUnit.MILLISECONDS);
			if (this.config.enableTurnRelay() && !this.config.turnServers().isEmpty()) {
				StreamSessions streams = context.network().streams();
				this.relay = new TurnRelay(this.config.turnServers().get(0), this.config, this.group, streams,
						context.scheduler(), context.metrics());
				this.relay.start();
			}
		}
	}

	@Override
	public void stop() {
		TurnRelay stopping;
		EventLoopGroup loops;
		synchronized (this.lock) {
			if (this.addressTask != null) {
				this.addressTask.cancel(false);
			}
			stopping = this.relay;
			this.relay = null;
			loops = this.group;
			this.group = null;
			if (this.context != null) {
				this.context.services().unregister(NatService.class, this.service);
				this.context.services().unregister(ExternalAddressService.class, this.service);
			}
		}
		if (stopping != null) {
			stopping.stop();
		}
		if (loops != null) {
			loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
		}
	}

	/** The running NAT service; what {@code RatsClient.natService()} returns while this subsystem runs. */
	public NatService service() {
		return this.service;
	}

	/** The TURN relay's live allocation, or {@code null}; for tests and diagnostics. */
	io.librats.turn.TurnClient relayClient() {
		TurnRelay current = this.relay;
		return (current != null) ? current.client() : null;
	}

	private EventLoopGroup group() {
		EventLoopGroup current = this.group;
		if (current == null) {
			throw new IllegalStateException("the nat subsystem is not running");
		}
		return current;
	}

	/** STUN servers in configuration order, then the TURN servers (which answer Binding requests too). */
	private List<PeerAddress> stunServers() {
		List<PeerAddress> servers = new ArrayList<>();
		this.config.stunServers().forEach((text) -> servers.add(PeerAddress.parse(text)));
		this.config.turnServers().stream().filter((turn) -> !turn.secure()).map(TurnServer::address).forEach(servers::add);
		return servers;
	}

	/** Resolves off the event loops; a name that does not resolve fails the future. */
	private static CompletableFuture<InetSocketAddress> resolve(PeerAddress address) {
		return CompletableFuture.supplyAsync(() -> {
			InetSocketAddress resolved = new InetSocketAddress(address.host(), address.port());
			if (resolved.isUnresolved()) {
				throw new CompletionException(new UnknownHostException(address.host()));
			}
			return resolved;
		});
	}

	private CompletableFuture<InetSocketAddress> discover() {
		List<PeerAddress> servers = stunServers();
		if (servers.isEmpty()) {
			return CompletableFuture.failedFuture(new IllegalStateException("no STUN or TURN server configured"));
		}
		CompletableFuture<InetSocketAddress> chain = CompletableFuture.failedFuture(new StunException("not tried"));
		List<String> failures = Collections.synchronizedList(new ArrayList<>());
		for (PeerAddress server : servers) {
			chain = chain.exceptionallyCompose((previous) -> bindingRequest(server).whenComplete((mapped, ex) -> {
				if (ex != null) {
					failures.add(server + ": " + TurnRelay.rootMessage(ex));
				}
			}));
		}
		return chain.handle((mapped, ex) -> {
			if (ex != null) {
				throw new CompletionException(new StunException("no STUN server answered (" + String.join("; ", failures)
						+ ")"));
			}
			remember(mapped);
			return mapped;
		});
	}

	private CompletableFuture<InetSocketAddress> bindingRequest(PeerAddress server) {
		StunTimers timers = StunTimers.of(this.config);
		return resolve(server).thenCompose((address) -> {
			InetAddress wildcard;
			try {
				wildcard = InetAddress.getByName((address.getAddress() instanceof Inet4Address) ? "0.0.0.0" : "::");
			}
			catch (UnknownHostException ex) {
				throw new CompletionException(ex);
			}
			return StunClient.udp(group(), new InetSocketAddress(wildcard, 0), timers, this.context.metrics())
				.thenCompose((client) -> client
					.request(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).fingerprint().build(), address)
					.whenComplete((response, ex) -> client.close()))
				.thenApply((response) -> {
					try {
						return response.requireSuccess().mappedAddress()
							.orElseThrow(() -> new StunException("Binding response without a mapped address"));
					}
					catch (StunException ex) {
						throw new CompletionException(ex);
					}
				});
		});
	}

	private void remember(InetSocketAddress mapped) {
		if (mapped == null) {
			return;
		}
		this.publicAddress = mapped;
		if (this.publicAddresses.size() < MAX_PUBLIC_ADDRESSES || this.publicAddresses.contains(mapped)) {
			if (this.publicAddresses.add(mapped)) {
				logger.info("Public address {} (never dialed as a peer)", mapped);
			}
		}
	}

	private CompletableFuture<NatTypeInfo> characteristics() {
		synchronized (this.lock) {
			NatTypeInfo last = this.lastInfo;
			if (last != null && Duration.between(last.detectedAt(), Instant.now()).compareTo(this.config.natDetectionTtl()) < 0) {
				return CompletableFuture.completedFuture(last);
			}
			if (this.detecting != null) {
				return this.detecting;
			}
			List<PeerAddress> servers = stunServers();
			if (servers.isEmpty()) {
				return CompletableFuture.failedFuture(new IllegalStateException("no STUN or TURN server configured"));
			}
			NatBehaviorDiscovery discovery = new NatBehaviorDiscovery(group(), StunTimers.of(this.config),
					this.config.natBehaviorTestTimeout(), this.context.metrics());
			CompletableFuture<NatTypeInfo> running = resolve(servers.get(0)).thenCompose(discovery::run);
			this.detecting = running;
			running.whenComplete((info, ex) -> {
				synchronized (this.lock) {
					this.detecting = null;
					if (info != null) {
						this.lastInfo = info;
					}
				}
				if (info != null) {
					if (info.behindNat() || info.natType() == NatType.OPEN_INTERNET) {
						remember(info.mappedAddress());
					}
					logger.info("NAT type {} (mapping {}, filtering {}, hairpinning {}) in {} ms: {}", info.natType(),
							info.mapping(), info.filtering(), info.hairpinning(), info.took().toMillis(), info.detail());
				}
			});
			return running;
		}
	}

	/** Drops cached results when the local addresses change, and measures again if we had measured before. */
	private void checkAddresses() {
		Set<String> now = localAddresses();
		boolean remeasure;
		synchronized (this.lock) {
			if (now.equals(this.localAddresses)) {
				return;
			}
			logger.info("Local addresses changed from {} to {}: NAT facts are measured again", this.localAddresses, now);
			this.localAddresses = now;
			remeasure = this.lastInfo != null;
			this.lastInfo = null;
			this.publicAddress = null;
			this.publicAddresses.clear();
		}
		if (remeasure) {
			characteristics();
		}
	}

	private static Set<String> localAddresses() {
		Set<String> addresses = new TreeSet<>();
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (nic.isUp()) {
					Collections.list(nic.getInetAddresses()).forEach((address) -> addresses.add(address.getHostAddress()));
				}
			}
		}
		catch (SocketException ex) {
			logger.debug("Cannot list local addresses: {}", ex.getMessage());
		}
		return addresses;
	}

	/** The service view; every method is cheap or asynchronous. */
	private final class Service implements NatService {

		@Override
		public Optional<InetAddress> externalAddress() {
			return Optional.ofNullable(publicAddress).map(InetSocketAddress::getAddress);
		}

		@Override
		public CompletableFuture<InetSocketAddress> discoverPublicAddress() {
			try {
				return discover();
			}
			catch (IllegalStateException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		@Override
		public CompletableFuture<NatTypeInfo> natCharacteristics() {
			try {
				return characteristics();
			}
			catch (IllegalStateException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		@Override
		public Optional<NatTypeInfo> lastNatCharacteristics() {
			return Optional.ofNullable(lastInfo);
		}

		@Override
		public Optional<InetSocketAddress> publicAddress() {
			return Optional.ofNullable(publicAddress);
		}

		@Override
		public Optional<InetSocketAddress> relayedAddress() {
			TurnRelay current = relay;
			return Optional.ofNullable((current != null) ? current.relayedAddress() : null);
		}

		@Override
		public boolean isOwnAddress(InetSocketAddress address) {
			if (address.equals(relayedAddress().orElse(null)) || publicAddresses.contains(address)) {
				return true;
			}
			SubsystemContext current = context;
			int listenPort = (current != null) ? current.listenPort() : -1;
			return address.getPort() == listenPort
					&& publicAddresses.stream().anyMatch((own) -> own.getAddress().equals(address.getAddress()));
		}

		@Override
		public CompletableFuture<Void> permitRelayedPeer(InetAddress address) {
			TurnRelay current = relay;
			return (current != null) ? current.permit(address) : CompletableFuture.failedFuture(
					new IllegalStateException("no TURN relay: configure a TURN server with enableTurnRelay"));
		}

		@Override
		public CompletableFuture<String> connectViaRelay(InetSocketAddress peer) {
			TurnRelay current = relay;
			if (current == null) {
				return CompletableFuture.failedFuture(new IllegalStateException(
						"no TURN relay: configure a TURN server with enableTurnRelay"));
			}
			CompletableFuture<InetSocketAddress> resolved = peer.isUnresolved()
					? resolve(new PeerAddress(peer.getHostString(), peer.getPort())) : CompletableFuture.completedFuture(peer);
			return resolved.thenCompose(current::connect);
		}

	}

}
