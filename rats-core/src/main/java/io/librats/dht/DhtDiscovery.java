package io.librats.dht;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.librats.nat.ExternalAddressService;
import io.librats.subsystem.DiscoveredPeer;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rats peer discovery over the mainline DHT: runs a {@link DhtNode}, registers it as the {@link DhtService} of the
 * rats node, announces the rats node's TCP listen port under the discovery infohash and looks that infohash up
 * periodically; every peer found is reported with {@code peerDiscovered(new DiscoveredPeer("dht", null, host, port,
 * now))}, and the rats node dials it (skipping itself and peers it dialed recently).
 *
 * <p>The discovery infohash is {@code SHA-1(UTF-8("rats-discovery-v1"))} without a namespace and
 * {@code SHA-1(UTF-8("rats-discovery-v1:" + namespace))} with one ({@link #discoveryInfohash(String)}), so
 * applications with different namespaces never meet.
 *
 * <p>Start it with {@code client.startDhtDiscovery(config)} (or {@code client.attach(new DhtDiscovery(config))}),
 * before or after the rats node starts. The first announce and
 * lookup follow bootstrapping; an announce that reached nobody is retried after 5 s, doubling up to the announce
 * interval.
 */
public final class DhtDiscovery implements RatsSubsystem {

	private static final Logger logger = LoggerFactory.getLogger(DhtDiscovery.class);

	/** The subsystem's name, under which it is attached. */
	public static final String NAME = "dht";

	/** The fixed prefix of the discovery infohash string. */
	public static final String INFOHASH_PREFIX = "rats-discovery-v1";

	/** Peers reported from DHT lookups. */
	public static final String PEERS_FOUND = "dht.discovery.peers-found";

	/** Discovery announces that at least one node accepted. */
	public static final String ANNOUNCES = "dht.discovery.announces";

	private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

	private final DhtConfig config;

	private final byte[] infohash;

	private final Object lock = new Object();

	private SubsystemContext context;

	private DhtNode node;

	private ScheduledFuture<?> announceTask;

	private ScheduledFuture<?> lookupTask;

	private Duration retryDelay = FIRST_RETRY;

	private volatile boolean running;

	public DhtDiscovery(DhtConfig config) {
		this.config = Objects.requireNonNull(config, "config");
		this.infohash = discoveryInfohash(config.namespace());
	}

	/**
	 * SHA-1 of {@code "rats-discovery-v1"} for an empty namespace, else of {@code "rats-discovery-v1:" + namespace},
	 * in UTF-8.
	 */
	public static byte[] discoveryInfohash(String namespace) {
		String text = namespace.isEmpty() ? INFOHASH_PREFIX : INFOHASH_PREFIX + ":" + namespace;
		return NodeId.sha1(text.getBytes(StandardCharsets.UTF_8)).toBytes();
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void start(SubsystemContext context) throws IOException {
		synchronized (this.lock) {
			this.context = context;
			ExternalAddressService external = () -> context.services()
				.find(ExternalAddressService.class)
				.flatMap(ExternalAddressService::externalAddress);
			DhtNode started = DhtNode.builder(this.config)
				.metrics(context.metrics())
				.stateDir(context.stateDir())
				.externalAddress(external)
				.build()
				.start();
			try {
				context.services().register(DhtService.class, started);
			}
			catch (RuntimeException ex) {
				started.close();
				throw ex;
			}
			this.node = started;
			this.running = true;
			this.retryDelay = FIRST_RETRY;
			logger.info("DHT discovery on UDP port {}, infohash {}", started.port(),
					java.util.HexFormat.of().formatHex(this.infohash));
			started.bootstrap().whenComplete((ignored, ex) -> submit(() -> {
				announceRound();
				lookupRound();
			}));
		}
	}

	@Override
	public void stop() {
		DhtNode stopping;
		synchronized (this.lock) {
			this.running = false;
			if (this.announceTask != null) {
				this.announceTask.cancel(false);
			}
			if (this.lookupTask != null) {
				this.lookupTask.cancel(false);
			}
			stopping = this.node;
			this.node = null;
			if (stopping != null && this.context != null) {
				this.context.services().unregister(DhtService.class, stopping);
			}
		}
		if (stopping != null) {
			stopping.close();
		}
	}

	/** The running DHT node's service, if started. */
	public Optional<DhtService> service() {
		return Optional.ofNullable(this.node);
	}

	/** The discovery infohash this instance announces and looks up. */
	public byte[] infohash() {
		return this.infohash.clone();
	}

	private void announceRound() {
		DhtNode node = this.node;
		if (!this.running || node == null) {
			return;
		}
		node.announce(this.infohash, this.context.listenPort()).whenComplete((accepted, ex) -> {
			Duration next;
			synchronized (this.lock) {
				if (ex == null && accepted != null && accepted > 0) {
					this.context.metrics().increment(ANNOUNCES);
					this.retryDelay = FIRST_RETRY;
					next = this.config.announceInterval();
				}
				else {
					next = this.retryDelay;
					Duration doubled = this.retryDelay.multipliedBy(2);
					this.retryDelay = (doubled.compareTo(this.config.announceInterval()) > 0)
							? this.config.announceInterval() : doubled;
				}
				logger.debug("DHT discovery announce: {} node(s) accepted; next in {}", accepted, next);
				this.announceTask = schedule(this::announceRound, next);
			}
		});
	}

	private void lookupRound() {
		DhtNode node = this.node;
		if (!this.running || node == null) {
			return;
		}
		node.findPeers(this.infohash).whenComplete((peers, ex) -> {
			if (peers != null) {
				submit(() -> report(peers));
			}
			synchronized (this.lock) {
				this.lookupTask = schedule(this::lookupRound, this.config.lookupInterval());
			}
		});
	}

	private void report(List<InetSocketAddress> peers) {
		if (!this.running) {
			return;
		}
		Instant now = Instant.now();
		for (InetSocketAddress peer : peers) {
			if (isSelf(peer)) {
				continue;
			}
			this.context.metrics().increment(PEERS_FOUND);
			this.context.peerDiscovered(new DiscoveredPeer("dht", null, peer.getAddress().getHostAddress(),
					peer.getPort(), now));
		}
	}

	/** Our own announce comes back from lookups: same TCP port on an address of this host. */
	private boolean isSelf(InetSocketAddress peer) {
		if (peer.getPort() != this.context.listenPort()) {
			return false;
		}
		InetAddress address = peer.getAddress();
		if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
			return true;
		}
		Optional<InetAddress> external = this.context.services()
			.find(ExternalAddressService.class)
			.flatMap(ExternalAddressService::externalAddress);
		if (external.isPresent() && external.get().equals(address)) {
			return true;
		}
		try {
			return NetworkInterface.getByInetAddress(address) != null;
		}
		catch (SocketException ex) {
			return false;
		}
	}

	private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		if (!this.running) {
			return null;
		}
		try {
			return this.context.scheduler().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null; // the node is stopping
		}
	}

	private void submit(Runnable task) {
		if (!this.running) {
			return;
		}
		try {
			this.context.scheduler().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// the node is stopping
		}
	}

}
