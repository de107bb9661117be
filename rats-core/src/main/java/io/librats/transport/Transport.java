package io.librats.transport;

import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.config.RatsConfig;
import io.librats.identity.NodeIdentity;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseCipher;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket, the dialer and the peer table of one node. Knows nothing of JSON or handlers: admitted
 * peers' application frames go to the {@link InboundFrameHandler}, peer arrivals and departures to
 * {@link ConnectionEvents}.
 */
public final class Transport implements StreamSessions {

	private static final Logger logger = LoggerFactory.getLogger(Transport.class);

	private final RatsConfig config;

	private final NetworkBinding binding;

	private final TransportContext context;

	private final PeerTable peerTable;

	private final AtomicInteger handshaking = new AtomicInteger();

	private final EventLoopGroup group;

	private ChannelGroup channels;

	private Channel serverChannel;

	private Bootstrap bootstrap;

	private PeerChannelInitializer outbound;

	private PeerChannelInitializer inbound;

	/** A transport on {@code group}'s event loops, which it uses but never shuts down (the node owns them). */
	public Transport(RatsConfig config, NodeIdentity identity, NetworkBinding binding, EventLoopGroup group,
			RatsMetrics metrics, Executor handlerExecutor, InboundFrameHandler inbound, ConnectionEvents events) {
		this.config = config;
		this.binding = binding;
		this.group = group;
		this.peerTable = new PeerTable(identity.peerId(), config.maxPeers(), config.handshakeTimeout(), metrics,
				events);
		AeadImplementation aead = (config.aead() != null) ? config.aead() : AeadImplementation.fastest();
		SessionSettings settings = new SessionSettings(identity, config.protocolId(), config.encryption(), aead,
				config.aesGcm() && NoiseCipher.hardwareAesGcm(), config.maxFrameSize(), 0L);
		this.context = new TransportContext(settings, config, metrics, handlerExecutor, this.peerTable, inbound);
	}

	/** Binds the listening socket; fails (for example when the port is taken) with the cause. */
	public void start() throws InterruptedException {
		this.channels = new DefaultChannelGroup(this.group.next());
		WriteBufferWaterMark waterMark = new WriteBufferWaterMark(this.config.writeBufferLowWaterMark(),
				this.config.writeBufferHighWaterMark());
		this.outbound = new PeerChannelInitializer(this.context, Direction.OUTBOUND, this.channels, this.handshaking,
				Integer.MAX_VALUE, waterMark);
		this.inbound = new PeerChannelInitializer(this.context, Direction.INBOUND, this.channels, this.handshaking,
				this.config.maxPendingHandshakes(), waterMark);
		this.bootstrap = bareBootstrap().handler(this.outbound);
		ServerBootstrap server = new ServerBootstrap().group(this.group)
			.channel(this.binding.serverChannelType())
			.childHandler(this.inbound);
		if (!"local".equals(this.binding.name())) {
			server.option(ChannelOption.SO_BACKLOG, 1024)
				.option(ChannelOption.SO_REUSEADDR, true)
				.childOption(ChannelOption.TCP_NODELAY, true);
		}
		SocketAddress listen = this.binding.listenAddress(this.config.listenAddress(), this.config.listenPort());
		try {
			this.serverChannel = server.bind(listen).sync().channel();
		}
		catch (Exception ex) {
			this.context.ephemeralKeys().close();
			throw ex;
		}
		this.context.listenPort(this.binding.boundPort(this.serverChannel.localAddress()));
		logger.info("Listening on {} ({}), peer id {}, encryption {}", this.serverChannel.localAddress(),
				this.binding.name(), this.context.settings().identity().peerId(),
				this.config.encryption() ? "on (Noise_XX_25519_ChaChaPoly_SHA256, " + this.context.settings().aead() + ")"
						: "OFF - traffic is readable and peers are unauthenticated; use only for debugging");
	}

	private Bootstrap bareBootstrap() {
		Bootstrap bare = new Bootstrap().group(this.group)
			.channel(this.binding.channelType())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.config.connectTimeout().toMillis());
		if (!"local".equals(this.binding.name())) {
			bare.option(ChannelOption.TCP_NODELAY, true);
		}
		return bare;
	}

	@Override
	public Bootstrap bootstrap() {
		if ("local".equals(this.binding.name())) {
			throw new UnsupportedOperationException("the " + this.binding.name() + " binding has no sockets");
		}
		return bareBootstrap();
	}

	@Override
	public CompletableFuture<PeerConnection> startSession(Channel channel, Direction direction, String path) {
		PeerChannelInitializer initializer = (direction == Direction.INBOUND) ? this.inbound : this.outbound;
		PeerConnection connection = initializer.initPeer(channel, path);
		if (connection == null) {
			return CompletableFuture.failedFuture(new ConnectionRejectedException(GoodbyeReason.PEER_LIMIT, false,
					"too many handshakes in progress (maxPendingHandshakes " + this.config.maxPendingHandshakes()
							+ ")"));
		}
		return connection.established().whenComplete((c, ex) -> {
			if (ex != null) {
				this.context.metrics().increment(RatsMetrics.CONNECTIONS_FAILED);
			}
		});
	}

	/** Bound listen port, valid after {@link #start()}. */
	public int listenPort() {
		return this.context.listenPort();
	}

	/**
	 * Dials a peer. Completes with the admitted connection (or the existing one to the same peer, if this one lost a
	 * duplicate race), or fails with the reason: unreachable, timeout, handshake failure, refused.
	 */
	public CompletableFuture<PeerConnection> connect(String host, int port) {
		if (this.peerTable.isFull()) {
			return CompletableFuture.failedFuture(new ConnectionRejectedException(GoodbyeReason.PEER_LIMIT, false,
					"already " + this.peerTable.size() + " peers (maxPeers " + this.config.maxPeers() + ")"));
		}
		CompletableFuture<PeerConnection> result = new CompletableFuture<>();
		ChannelFuture connect;
		try {
			connect = this.bootstrap.connect(this.binding.remoteAddress(host, port));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		connect.addListener((ChannelFutureListener) (future) -> {
			if (!future.isSuccess()) {
				this.context.metrics().increment(RatsMetrics.CONNECTIONS_FAILED);
				result.completeExceptionally(new PeerNotConnectedException("could not connect to " + host + ":" + port
						+ ": " + future.cause().getMessage(), future.cause()));
				return;
			}
			PeerConnection connection = PeerConnection.of(future.channel());
			connection.established().whenComplete((c, ex) -> {
				if (ex != null) {
					this.context.metrics().increment(RatsMetrics.CONNECTIONS_FAILED);
					result.completeExceptionally(ex);
				}
				else {
					result.complete(c);
				}
			});
		});
		return result;
	}

	public PeerConnection connection(String peerId) {
		return this.peerTable.get(peerId);
	}

	public Collection<PeerConnection> connections() {
		return List.copyOf(this.peerTable.connections());
	}

	public int peerCount() {
		return this.peerTable.size();
	}

	/** Says goodbye to every peer and closes every channel; bounded in time. */
	public void stop() {
		this.context.ephemeralKeys().close();
		if (this.channels == null) {
			return;
		}
		if (this.serverChannel != null) {
			this.serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		}
		for (Channel channel : this.channels) {
			PeerConnection connection = PeerConnection.of(channel);
			if (connection != null && connection.isAdmitted()) {
				connection.close(GoodbyeReason.SHUTDOWN, null);
			}
			else {
				channel.close();
			}
		}
		this.channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
		this.channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		this.channels = null;
	}

}
