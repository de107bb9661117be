package io.librats.transport;

import java.util.concurrent.TimeUnit;

import io.librats.metrics.RatsMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an admitted peer: answers pings, measures round trips, notices silence, honours GOODBYE, and hands
 * application frames to the {@link InboundFrameHandler}.
 */
final class PeerSessionHandler extends SimpleChannelInboundHandler<Frame> {

	private static final Logger logger = LoggerFactory.getLogger(PeerSessionHandler.class);

	private final PeerConnection connection;

	private final TransportContext context;

	private ScheduledFuture<?> liveness;

	PeerSessionHandler(PeerConnection connection) {
		this.connection = connection;
		this.context = connection.context();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		long interval = this.context.pingInterval().toMillis();
		this.liveness = ctx.executor().scheduleAtFixedRate(this::checkLiveness, interval, interval,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		this.liveness.cancel(false);
		this.connection.readComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.liveness.cancel(false);
		this.connection.readComplete();
		super.channelInactive(ctx);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		// Once per read, not per frame: the clock reads cost more than a small frame's handling, and any bytes,
		// whole frames or not, show the peer is alive.
		this.connection.received();
		this.connection.readComplete();
		super.channelReadComplete(ctx);
	}

	private void checkLiveness() {
		long silentNanos = this.connection.nanosSinceLastReceived();
		// While our own handlers hold reading paused the silence is ours, not the peer's.
		if (silentNanos > this.context.peerTimeout().toNanos() && !this.connection.isReadingPaused()) {
			this.context.metrics().increment(RatsMetrics.PEERS_TIMED_OUT);
			String detail = "no traffic for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms";
			logger.info("Peer {} timed out: {}", this.connection.peerId(), detail);
			this.connection.recordFailure(new PeerTimeoutException(detail));
			this.connection.close(GoodbyeReason.TIMEOUT, detail);
			return;
		}
		ByteBuf ping = FrameEncoder.start(this.connection.alloc(), FrameType.PING, 8).writeLong(System.nanoTime());
		this.connection.send(FrameEncoder.finish(ping));
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
		ByteBuf body = frame.content();
		if (this.connection.hasFailed() || (!this.connection.isAdmitted() && frame.type() != FrameType.GOODBYE)) {
			// Frames behind a protocol error, or racing our refusal of this connection, never reach the application.
			return;
		}
		switch (frame.type()) {
			case FrameType.MESSAGE -> {
				countMessage();
				this.context.inbound().onMessage(this.connection, body);
			}
			case FrameType.BINARY -> {
				countMessage();
				this.context.inbound().onBinary(this.connection, body);
			}
			case FrameType.PING -> {
				long stamp = readStamp(body);
				ByteBuf pong = FrameEncoder.start(ctx.alloc(), FrameType.PONG, 8).writeLong(stamp);
				this.connection.send(FrameEncoder.finish(pong));
			}
			case FrameType.PONG -> {
				long rtt = System.nanoTime() - readStamp(body);
				// Only stamps we could have sent count; a forged pong cannot claim a negative or absurd RTT.
				if (rtt >= 0 && rtt <= this.context.peerTimeout().toNanos()) {
					this.connection.rtt(rtt);
				}
			}
			case FrameType.GOODBYE -> {
				GoodbyeReason reason = Goodbye.reason(body);
				this.connection.goodbyeReceived(reason);
				logger.debug("Peer {} said goodbye: {} ({})", this.connection.peerId(), reason, Goodbye.text(body));
				ctx.close();
			}
			case FrameType.HELLO -> throw new ProtocolException("second HELLO");
			default -> this.context.metrics().increment(RatsMetrics.UNKNOWN_EXTENSION_FRAMES);
		}
	}

	private void countMessage() {
		this.connection.messagesIn.increment();
		this.context.metrics().increment(RatsMetrics.MESSAGES_IN);
	}

	private static long readStamp(ByteBuf body) {
		if (body.readableBytes() != 8) {
			throw new ProtocolException("PING/PONG body must be 8 bytes, was " + body.readableBytes());
		}
		return body.readLong();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		this.connection.channelWritabilityChanged();
		super.channelWritabilityChanged(ctx);
	}

}
