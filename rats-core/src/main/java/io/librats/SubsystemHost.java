package io.librats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import io.librats.config.RatsConfig;
import io.librats.metrics.RatsMetrics;
import io.librats.subsystem.DiscoveredPeer;
import io.librats.subsystem.PeerNetwork;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.ServiceRegistry;
import io.librats.subsystem.SubsystemContext;
import io.librats.transport.StreamSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a node's attached subsystems and gives each the same narrow context. Discovered peers are told
 * to the discovery listeners and dialed while the node has room.
 */
final class SubsystemHost {

	private static final Logger logger = LoggerFactory.getLogger(SubsystemHost.class);

	private final List<RatsSubsystem> attached = new CopyOnWriteArrayList<>();

	private final List<RatsSubsystem> started = new ArrayList<>();

	/** The running node's context; {@code null} while the node is stopped. Guarded by the node's lifecycle lock. */
	private Context context;

	private final List<Consumer<DiscoveredPeer>> discoveryListeners = new CopyOnWriteArrayList<>();

	private final ServiceRegistry services = new ServiceRegistry();

	/**
	 * When each discovered address was last reported: a peer announced again and again (every DHT lookup finds it)
	 * is dialed at most once per interval, not once per report. Bounded.
	 */
	private final Map<String, Long> recentDials = new ConcurrentHashMap<>();

	private static final long REDIAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final int MAX_RECENT_DIALS = 4096;

	/**
	 * Attaches a subsystem; on a running node it starts at once, and a failure to start detaches it again.
	 * Called under the node's lifecycle lock.
	 */
	void attach(RatsSubsystem subsystem) {
		if (find(subsystem.name()).isPresent()) {
			throw new IllegalStateException("a subsystem named '" + subsystem.name() + "' is already attached");
		}
		this.attached.add(subsystem);
		if (this.context != null) {
			try {
				startOne(subsystem, this.context);
			}
			catch (RatsException ex) {
				this.attached.remove(subsystem);
				throw ex;
			}
		}
	}

	/** Stops (if running) and removes the subsystem of that name; false if none is attached. */
	boolean detach(String name) {
		Optional<RatsSubsystem> subsystem = find(name);
		if (subsystem.isEmpty()) {
			return false;
		}
		if (this.started.remove(subsystem.get())) {
			stopOne(subsystem.get());
		}
		this.attached.remove(subsystem.get());
		return true;
	}

	Optional<RatsSubsystem> find(String name) {
		return this.attached.stream().filter((subsystem) -> subsystem.name().equals(name)).findFirst();
	}

	boolean isStarted(String name) {
		return this.started.stream().anyMatch((subsystem) -> subsystem.name().equals(name));
	}

	List<RatsSubsystem> attached() {
		return List.copyOf(this.attached);
	}

	ServiceRegistry services() {
		return this.services;
	}

	void onPeerDiscovered(Consumer<DiscoveredPeer> listener) {
		this.discoveryListeners.add(listener);
	}

	/** Starts every attached subsystem; on a failure stops those already started and rethrows. */
	void start(RatsClient node) {
		this.context = new Context(node);
		for (RatsSubsystem subsystem : this.attached) {
			try {
				startOne(subsystem, this.context);
			}
			catch (RatsException ex) {
				stop();
				throw ex;
			}
		}
	}

	private void startOne(RatsSubsystem subsystem, Context context) {
		try {
			subsystem.start(context);
		}
		catch (Exception ex) {
			// A subsystem that failed half-way may hold sockets or services: give it the chance to release them.
			stopOne(subsystem);
			throw new RatsException("Subsystem '" + subsystem.name() + "' failed to start: " + ex.getMessage(), ex);
		}
		this.started.add(subsystem);
		logger.info("Started subsystem {}", subsystem.name());
	}

	void stop() {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			stopOne(this.started.get(i));
		}
		this.started.clear();
		this.context = null;
	}

	private static void stopOne(RatsSubsystem subsystem) {
		try {
			subsystem.stop();
		}
		catch (RuntimeException ex) {
			logger.warn("Subsystem {} failed to stop cleanly", subsystem.name(), ex);
		}
	}

	private final class Context implements SubsystemContext, PeerNetwork {

		private final RatsClient node;

		Context(RatsClient node) {
			this.node = node;
		}

		@Override
		public String peerId() {
			return this.node.peerId();
		}

		@Override
		public int listenPort() {
			return this.node.listenPort();
		}

		@Override
		public RatsConfig config() {
			return this.node.config();
		}

		@Override
		public Path stateDir() {
			return this.node.config().stateDir();
		}

		@Override
		public RatsMetrics metrics() {
			return this.node.metrics();
		}

		@Override
		public ScheduledExecutorService scheduler() {
			return this.node.scheduler();
		}

		@Override
		public PeerNetwork network() {
			return this;
		}

		@Override
		public CompletableFuture<ConnectionAttemptResult> connect(String host, int port) {
			return this.node.connectToPeer(host, port);
		}

		@Override
		public boolean isConnected(String peerId) {
			return this.node.isConnected(peerId);
		}

		@Override
		public int peerCount() {
			return this.node.peerCount();
		}

		@Override
		public int maxPeers() {
			return this.node.config().maxPeers();
		}

		@Override
		public void addConnectionListener(ConnectionListener listener) {
			this.node.addConnectionListener(listener);
		}

		@Override
		public void removeConnectionListener(ConnectionListener listener) {
			this.node.removeConnectionListener(listener);
		}

		@Override
		public StreamSessions streams() {
			StreamSessions streams = this.node.streams();
			if (streams == null) {
				throw new IllegalStateException("the node is not running");
			}
			return streams;
		}

		@Override
		public ServiceRegistry services() {
			return SubsystemHost.this.services;
		}

		@Override
		public void peerDiscovered(DiscoveredPeer peer) {
			if (peer.peerId() != null && (peer.peerId().equals(this.node.peerId()) || this.node.isConnected(peer.peerId()))) {
				return;
			}
			String address = peer.host() + ":" + peer.port();
			long now = System.nanoTime();
			Long last = recentDials.get(address);
			if (last != null && now - last < REDIAL_INTERVAL_NANOS) {
				return;
			}
			if (recentDials.size() >= MAX_RECENT_DIALS) {
				recentDials.entrySet().removeIf((entry) -> now - entry.getValue() >= REDIAL_INTERVAL_NANOS);
			}
			recentDials.put(address, now);
			try {
				this.node.handlerExecutor().execute(() -> Listeners.notifyEach(discoveryListeners,
						(listener) -> listener.accept(peer), "discovery"));
			}
			catch (RejectedExecutionException ex) {
				return;
			}
			if (this.node.peerCount() < this.node.config().maxPeers()) {
				CompletableFuture<ConnectionAttemptResult> attempt = this.node.connectToPeer(peer.host(), peer.port());
				attempt.thenAccept((result) -> logger.debug("Discovered peer {} via {}: {}", peer.host() + ":"
						+ peer.port(), peer.source(), result.success() ? "connected" : result.error()));
			}
		}

	}

}
