package io.librats.transport;

import java.util.concurrent.atomic.AtomicInteger;

import io.librats.metrics.RatsMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;

/**
 * Builds the pipeline of every connection, whatever carries it:
 * {@code traffic → preamble (→ noise handshake → noise decrypt/encrypt) → frames → hello (→ session) → close}.
 */
final class PeerChannelInitializer extends ChannelInitializer<Channel> {

	private final TransportContext context;

	private final Direction direction;

	private final ChannelGroup channels;

	private final AtomicInteger handshaking;

	private final int maxHandshaking;

	private final WriteBufferWaterMark waterMark;

	PeerChannelInitializer(TransportContext context, Direction direction, ChannelGroup channels,
			AtomicInteger handshaking, int maxHandshaking, WriteBufferWaterMark waterMark) {
		this.context = context;
		this.direction = direction;
		this.channels = channels;
		this.handshaking = handshaking;
		this.maxHandshaking = maxHandshaking;
		this.waterMark = waterMark;
	}

	@Override
	protected void initChannel(Channel channel) {
		initPeer(channel, StreamSessions.DIRECT);
	}

	/**
	 * Appends the rats pipeline behind whatever handlers the channel already has; {@code null} when the inbound
	 * handshake limit refused (and closed) the channel.
	 */
	PeerConnection initPeer(Channel channel, String path) {
		if (this.direction == Direction.INBOUND && this.handshaking.get() >= this.maxHandshaking) {
			// Cheapest possible refusal: no crypto spent on a flood of half-open peers.
			this.context.metrics().increment(RatsMetrics.REJECTED_HANDSHAKE_LIMIT);
			channel.close();
			return null;
		}
		this.channels.add(channel);
		channel.config().setWriteBufferWaterMark(this.waterMark);
		PeerConnection connection = new PeerConnection(channel, this.direction, this.context, path);
		if (this.direction == Direction.INBOUND) {
			this.handshaking.incrementAndGet();
			connection.established().whenComplete((c, ex) -> this.handshaking.decrementAndGet());
		}
		channel.attr(PeerConnection.KEY).set(connection);
		channel.pipeline()
			.addLast("traffic", new TrafficCounter(connection))
			.addLast("preamble", new PreambleHandler(this.context.settings(), this.direction,
					this.context.ephemeralKeys(), this.context.handlerExecutor()))
			.addLast("frames", new FrameDecoder(this.context.settings().maxFrameSize()))
			.addLast("hello", new HelloHandler(connection))
			.addLast("close", new ConnectionCloseHandler(connection));
		return connection;
	}

}
