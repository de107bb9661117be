package io.librats.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.librats.config.NatTraversalConfig;
import io.librats.config.TurnServer;
import io.librats.metrics.RatsMetrics;
import io.librats.stun.StunAttribute;
import io.librats.stun.StunClass;
import io.librats.stun.StunClient;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;
import io.librats.stun.StunTimers;
import io.librats.transport.Direction;
import io.librats.transport.PeerConnection;
import io.librats.transport.StreamSessions;
import io.librats.turn.ConnectionBindHandler;
import io.librats.turn.TurnClient;
import io.librats.turn.TurnMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TURN relay listener and dialer: one TCP allocation (RFC 6062) on the first TURN server, kept refreshed
 * and made again when lost. Its relayed address is an extra public listening address: a ConnectionAttempt for an
 * incoming peer opens a data connection, binds it (ConnectionBind) and runs the node's unchanged rats session on it as
 * an inbound peer. {@link #connect} dials a peer through the same allocation (Connect, then ConnectionBind on a new
 * data connection) as an outbound peer. The relay only ever carries the Noise-encrypted session.
 *
 * <p>Incoming relayed connections need a TURN permission for the connecting IP. The relay permits the server's own
 * addresses (its listening address, its RFC 5780 other address and the relayed address), so peers that dial through
 * the same TURN server, and peers on the server's own host, get in; others need {@link #permit}, which is remembered
 * and installed again on every new allocation.
 */
final class TurnRelay {

	private static final Logger logger = LoggerFactory.getLogger(TurnRelay.class);

	static final String PATH = "turn";

	private static final Duration MAX_RETRY = Duration.ofSeconds(30);

	private final TurnServer server;

	private final NatTraversalConfig config;

	private final EventLoopGroup group;

	private final StreamSessions streams;

	private final ScheduledExecutorService scheduler;

	private final RatsMetrics metrics;

	private final Object lock = new Object();

	private volatile TurnClient turn;

	/** Below the TURN client's own limit of permissions, leaving room for the server's addresses. */
	private static final int MAX_PERMITTED = 1000;

	/** Peer IPs the application permitted, installed on every allocation. */
	private final Set<InetAddress> permitted = ConcurrentHashMap.newKeySet();

	private volatile InetSocketAddress serverAddress;

	private volatile boolean running;

	private Duration retryDelay = Duration.ofSeconds(1);

	private ScheduledFuture<?> retryTask;

	TurnRelay(TurnServer server, NatTraversalConfig config, EventLoopGroup group, StreamSessions streams,
			ScheduledExecutorService scheduler, RatsMetrics metrics) {
		this.server = server;
		this.config = config;
		this.group = group;
		this.streams = streams;
		this.scheduler = scheduler;
		this.metrics = metrics;
	}

	void start() {
		this.running = true;
		allocate();
	}

	/** The relayed address while the allocation stands. */
	InetSocketAddress relayedAddress() {
		TurnClient current = this.turn;
		return (current != null) ? current.relayedAddress() : null;
	}

	/** The live allocation, for tests and Actuator. */
	TurnClient client() {
		return this.turn;
	}

	private void allocate() {
		if (!this.running) {
			return;
		}
		if (this.server.secure()) {
			logger.warn("TURN server {} needs TLS, which rats does not speak yet; no relay", this.server.url());
			return;
		}
		CompletableFuture.supplyAsync(() -> {
			InetSocketAddress address = new InetSocketAddress(this.server.address().host(), this.server.address().port());
			if (address.isUnresolved()) {
				throw new CompletionException(new java.net.UnknownHostException(this.server.address().host()));
			}
			return address;
		}).thenCompose((address) -> {
			this.serverAddress = address;
			Bootstrap bootstrap = new Bootstrap().group(this.group).channel(NioSocketChannel.class)
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.config.turnAllocationTimeout().toMillis());
			return StunClient.tcp(bootstrap, address, StunTimers.of(this.config), this.metrics);
		}).thenCompose((stun) -> {
			TurnClient client = new TurnClient(stun, this.serverAddress, this.server.username(), this.server.password(),
					this.config.turnRefreshFraction(), this.config.turnRefreshInterval(), this.metrics);
			client.onConnectionAttempt(this::accept);
			client.onLost((cause) -> lost(client));
			return client.allocate(TurnClient.TCP)
				.orTimeout(this.config.turnAllocationTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.thenCompose((relayed) -> permitServer(client, stun, relayed))
				.whenComplete((ignored, ex) -> {
					if (ex != null) {
						client.deallocate();
					}
				})
				.thenApply((ignored) -> client);
		}).whenComplete((client, ex) -> {
			synchronized (this.lock) {
				if (ex != null) {
					logger.warn("TURN relay on {} not available: {}; retrying in {} s", this.server.url(),
							rootMessage(ex), this.retryDelay.toSeconds());
					scheduleRetry();
					return;
				}
				if (!this.running) {
					client.deallocate();
					return;
				}
				this.turn = client;
				this.retryDelay = Duration.ofSeconds(1);
				logger.info("TURN relay listening on {} via {}", client.relayedAddress(), this.server.url());
			}
		});
	}

	/** Permits the server's own addresses, so peers relayed by the same server can reach our relayed address. */
	private CompletableFuture<Void> permitServer(TurnClient client, StunClient stun, InetSocketAddress relayed) {
		StunMessage binding = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).fingerprint().build();
		return stun.request(binding, this.serverAddress).handle((response, ex) -> {
			List<InetAddress> addresses = new ArrayList<>(List.of(this.serverAddress.getAddress(), relayed.getAddress()));
			if (ex == null && response.isSuccess()) {
				try {
					response.message().address(StunAttribute.OTHER_ADDRESS)
						.ifPresent((other) -> addresses.add(other.getAddress()));
				}
				catch (io.librats.stun.StunException bad) {
					// no alternate address to permit
				}
			}
			addresses.addAll(this.permitted);
			return addresses.stream().distinct().toList();
		}).thenCompose(client::createPermission);
	}

	/**
	 * Lets peers from {@code address} connect to our relayed address, now (when an allocation stands) and on every
	 * allocation made later.
	 */
	CompletableFuture<Void> permit(InetAddress address) {
		if (!this.permitted.contains(address) && this.permitted.size() >= MAX_PERMITTED) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"too many permitted peers (" + MAX_PERMITTED + ")"));
		}
		this.permitted.add(address);
		TurnClient current = this.turn;
		return (current == null) ? CompletableFuture.completedFuture(null) : current.createPermission(List.of(address));
	}

	private void scheduleRetry() {
		if (!this.running) {
			return;
		}
		Duration delay = this.retryDelay;
		this.retryDelay = (delay.multipliedBy(2).compareTo(MAX_RETRY) > 0) ? MAX_RETRY : delay.multipliedBy(2);
		try {
			this.retryTask = this.scheduler.schedule(this::allocate, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// the node is stopping
		}
	}

	private void lost(TurnClient client) {
		synchronized (this.lock) {
			if (this.turn != client) {
				return;
			}
			this.turn = null;
			scheduleRetry();
		}
	}

	/** A peer connected to our relayed address: bind a data connection and serve it as an inbound peer. */
	private void accept(long connectionId, InetSocketAddress peer) {
		TurnClient current = this.turn;
		if (current == null) {
			return;
		}
		logger.debug("TURN ConnectionAttempt {} from {}", connectionId, peer);
		open(current, connectionId, Direction.INBOUND).whenComplete((connection, ex) -> {
			if (ex != null) {
				logger.debug("Relayed connection from {} failed: {}", peer, rootMessage(ex));
			}
		});
	}

	/** Dials {@code peer} through our allocation; completes with the admitted peer's id. */
	CompletableFuture<String> connect(InetSocketAddress peer) {
		TurnClient current = this.turn;
		if (current == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("no TURN allocation on " + this.server.url()
					+ " (yet)"));
		}
		return current.createPermission(List.of(peer.getAddress()))
			.thenCompose((ignored) -> current.connect(peer))
			.thenCompose((connectionId) -> open(current, connectionId, Direction.OUTBOUND))
			.thenApply(PeerConnection::peerId);
	}

	/** Opens a data connection to the server, binds it to {@code connectionId}, then runs the rats session on it. */
	private CompletableFuture<PeerConnection> open(TurnClient client, long connectionId, Direction direction) {
		CompletableFuture<Void> bound = new CompletableFuture<>();
		CompletableFuture<PeerConnection> session = new CompletableFuture<>();
		Bootstrap bootstrap;
		try {
			bootstrap = this.streams.bootstrap();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		this.metrics.increment(TurnMetrics.RELAY_CONNECTIONS);
		bootstrap.handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline().addLast("turn-bind", new ConnectionBindHandler(client, connectionId,
						TurnRelay.this.config.turnAllocationTimeout(), bound));
				TurnRelay.this.streams.startSession(channel, direction, PATH).whenComplete((connection, ex) -> {
					if (ex != null) {
						session.completeExceptionally(ex);
					}
					else {
						session.complete(connection);
					}
				});
			}
		}).connect(client.server()).addListener((ChannelFutureListener) (future) -> {
			if (!future.isSuccess()) {
				bound.completeExceptionally(future.cause());
				session.completeExceptionally(future.cause());
			}
		});
		// A failed binding explains a failed session better than "closed during the handshake".
		return bound.handle((ignored, ex) -> ex).thenCompose((bindFailure) -> {
			if (bindFailure != null) {
				this.metrics.increment(TurnMetrics.RELAY_CONNECTIONS_FAILED);
				return CompletableFuture.failedFuture(bindFailure);
			}
			return session;
		});
	}

	/** Deallocates, waiting at most two seconds. */
	void stop() {
		TurnClient current;
		synchronized (this.lock) {
			this.running = false;
			if (this.retryTask != null) {
				this.retryTask.cancel(false);
			}
			current = this.turn;
			this.turn = null;
		}
		if (current != null) {
			current.close();
		}
	}

	static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

}
