package io.librats.mdns;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.librats.subsystem.DiscoveredPeer;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local discovery with mDNS and DNS-SD (RFC 6762, RFC 6763): advertises the rats node as an instance of
 * {@code _rats._tcp.local.} (SRV to its TCP port, TXT with peer id, protocol version and app namespace, A/AAAA of
 * each interface) and browses for other instances; every rats peer found with the same namespace and protocol
 * version is reported with {@code peerDiscovered(new DiscoveredPeer("mdns", peerId, host, port, now))}, which dials
 * it while the node has room. Registers itself as the node's {@link MdnsService}.
 *
 * <p>Upstream librats advertises {@code _librats._tcp.local.}; we do not, on purpose: rats speaks its own wire
 * protocol (docs/protocol.md), so a librats node and a rats node that found each other could never complete a
 * session. Runs on one event loop thread of its own, {@code rats-mdns}.
 */
public final class MdnsDiscovery implements RatsSubsystem, MdnsService {

	private static final Logger logger = LoggerFactory.getLogger(MdnsDiscovery.class);

	/** The subsystem's name. */
	public static final String NAME = "mdns";

	/** The DNS-SD service type rats nodes advertise and browse. */
	public static final String SERVICE_TYPE = "_rats._tcp.local.";

	/** The rats wire protocol version (docs/protocol.md section 2), advertised as TXT {@code v}. */
	static final int PROTOCOL_VERSION = 1;

	private static final long STOP_MILLIS = 2000;

	private final MdnsConfig config;

	private final List<MdnsServiceListener> listeners = new CopyOnWriteArrayList<>();

	private final Map<String, MdnsServiceInfo> discovered = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private SubsystemContext context;

	private EventLoopGroup group;

	private EventLoop loop;

	private MdnsSockets sockets;

	private MdnsEngine engine;

	private ScheduledFuture<?> pollTask;

	private volatile String instanceName;

	public MdnsDiscovery(MdnsConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	@Override
	public String name() {
		return NAME;
	}

	/** The default instance name: the host name's first label and the first 6 characters of the peer id. */
	static String defaultInstanceName(String hostName, String peerId) {
		String host = hostName.split("\\.")[0].replaceAll("[^\\p{L}\\p{N}-]", "-");
		if (host.isEmpty()) {
			host = "rats";
		}
		if (host.length() > 40) {
			host = host.substring(0, 40);
		}
		return host + "-" + peerId.substring(0, 6);
	}

	private static String localHostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			return "rats";
		}
	}

	@Override
	public void start(SubsystemContext context) throws IOException {
		synchronized (this.lock) {
			this.context = context;
			String namespace = (this.config.namespace() != null) ? this.config.namespace() : context.config().protocolId();
			String instance = (this.config.serviceName() != null) ? this.config.serviceName()
					: defaultInstanceName(localHostName(), context.peerId());
			this.instanceName = instance;
			this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rats-mdns", true),
					NioIoHandler.newFactory());
			this.loop = this.group.next();
			this.sockets = new MdnsSockets(this.config, this.loop, context.metrics());
			this.engine = new MdnsEngine(this.config, new LoopScheduler(this.loop), this.sockets, new SecureRandom(),
					context.metrics(), new MdnsEngine.Node(context.peerId(), context.listenPort(), namespace,
							PROTOCOL_VERSION, instance),
					this::named, new Events());
			try {
				this.sockets.open(this.engine::receive);
				this.loop.submit(() -> {
					this.sockets.refreshInterfaces();
					this.engine.start();
				}).get(STOP_MILLIS, TimeUnit.MILLISECONDS);
				context.services().register(MdnsService.class, this);
			}
			catch (Exception ex) {
				shutdown();
				throw (ex instanceof IOException io) ? io : new IOException("mDNS failed to start: " + ex.getMessage(), ex);
			}
			long poll = this.config.interfacePollInterval().toMillis();
			this.pollTask = this.loop.scheduleWithFixedDelay(this::pollInterfaces, poll, poll, TimeUnit.MILLISECONDS);
			logger.info("mDNS discovery: advertising '{}' as {} on port {}, namespace '{}'", instance, SERVICE_TYPE,
					context.listenPort(), namespace);
		}
	}

	private void pollInterfaces() {
		try {
			Map<String, List<MdnsRecord>> before = this.engine.recordsByInterface();
			if (this.sockets.refreshInterfaces()) {
				this.engine.interfacesChanged(before);
			}
		}
		catch (RuntimeException ex) {
			// A failure here must not end the periodic poll.
			logger.warn("mDNS interface poll failed", ex);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lock) {
			if (this.context != null) {
				this.context.services().unregister(MdnsService.class, this);
			}
			if (this.loop != null) {
				try {
					this.loop.submit(this.engine::stop).get(STOP_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (Exception ex) {
					logger.debug("mDNS goodbye did not complete: {}", ex.toString());
				}
			}
			shutdown();
			this.discovered.clear();
		}
	}

	private void shutdown() {
		if (this.pollTask != null) {
			this.pollTask.cancel(false);
			this.pollTask = null;
		}
		if (this.sockets != null) {
			this.sockets.close(STOP_MILLIS);
			this.sockets = null;
		}
		if (this.group != null) {
			this.group.shutdownGracefully(0, STOP_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly(STOP_MILLIS * 2);
			this.group = null;
			this.loop = null;
		}
	}

	private void named(String instance) {
		if (!instance.equals(this.instanceName)) {
			logger.info("mDNS instance name '{}' was taken; now advertising '{}'", this.instanceName, instance);
		}
		this.instanceName = instance;
		notifyListeners((listener) -> listener.nameSettled(instance));
	}

	private void notifyListeners(Consumer<MdnsServiceListener> call) {
		for (MdnsServiceListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("mDNS listener failed", ex);
			}
		}
	}

	// --- MdnsService -----------------------------------------------------------------------------------------

	@Override
	public List<MdnsServiceInfo> discoveredServices() {
		return List.copyOf(this.discovered.values());
	}

	@Override
	public String instanceName() {
		return this.instanceName;
	}

	@Override
	public MdnsStats stats() {
		EventLoop loop = this.loop;
		MdnsEngine engine = this.engine;
		if (loop == null || engine == null) {
			return new MdnsStats(this.instanceName, SERVICE_TYPE, "STOPPED", List.of(), 0, 0, 0);
		}
		try {
			return loop.submit(() -> new MdnsStats(this.instanceName, SERVICE_TYPE, engine.advertiser().state().name(),
					this.sockets.interfaces().stream().map(MdnsInterface::name).toList(),
					engine.browser().services().size(), engine.browser().cacheSize(), engine.browser().queryInterval()))
				.get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return new MdnsStats(this.instanceName, SERVICE_TYPE, "STOPPED", List.of(), this.discovered.size(), 0, 0);
		}
	}

	@Override
	public void addListener(MdnsServiceListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	@Override
	public void removeListener(MdnsServiceListener listener) {
		this.listeners.remove(listener);
	}

	/** Keeps the list, reports found peers to the node, and tells listeners. */
	private final class Events implements MdnsServiceListener {

		@Override
		public void serviceFound(MdnsServiceInfo service) {
			discovered.put(service.instanceName(), service);
			SubsystemContext context = MdnsDiscovery.this.context;
			if (context != null && !service.addresses().isEmpty()) {
				context.peerDiscovered(new DiscoveredPeer(NAME, service.peerId(), service.addresses().get(0),
						service.port(), Instant.now()));
			}
			notifyListeners((listener) -> listener.serviceFound(service));
		}

		@Override
		public void serviceLost(MdnsServiceInfo service) {
			discovered.remove(service.instanceName(), service);
			notifyListeners((listener) -> listener.serviceLost(service));
		}

	}

	/** The event loop as the engine's clock and timers. */
	private static final class LoopScheduler implements MdnsScheduler {

		private final EventLoop loop;

		LoopScheduler(EventLoop loop) {
			this.loop = loop;
		}

		@Override
		public long nowMillis() {
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
		}

		@Override
		public Timer schedule(Runnable task, long delayMillis) {
			ScheduledFuture<?> future = this.loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
			return () -> future.cancel(false);
		}

	}

}
