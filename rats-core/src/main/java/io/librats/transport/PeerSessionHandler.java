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

	/**
	 * A connection that never falls silent still sends a PING once in this many intervals, so that its round-trip
	 * time stays current.
	 */
	static final int RTT_REFRESH_INTERVALS = 4;

	/** Grid of the liveness checks: at most this many instants per ping interval (see scheduleLivenessCheck). */
	private static final long CHECKS_PER_INTERVAL = 8;

	private ScheduledFuture<?> liveness;

	/** Silence after which this side sends PING; see {@link #silenceBeforePing}. */
	private final long pingAfterSilenceNanos;

	/** Event loop only: when we last sent a PING, and whether the liveness timer has been stopped for good. */
	private long lastPingNanos;

	private boolean livenessStopped;

	PeerSessionHandler(PeerConnection connection) {
		this.connection = connection;
		this.context = connection.context();
		this.pingAfterSilenceNanos = silenceBeforePing(connection.direction(), this.context.pingInterval().toNanos(),
				this.context.peerTimeout().toNanos());
	}

	/**
	 * The dialer pings after one interval of silence; the acceptor waits half an interval longer (but no longer
	 * than halfway to the timeout). Each PING and its PONG end the silence on both sides at once, so with equal
	 * waits both sides would reach them together and ping together; with these, the dialer's PINGs alone keep an
	 * idle connection alive, and the acceptor pings only when they stop coming (a dialer with a longer interval).
	 */
	static long silenceBeforePing(Direction direction, long intervalNanos, long timeoutNanos) {
		if (direction == Direction.OUTBOUND) {
			return intervalNanos;
		}
		return Math.min(intervalNanos + intervalNanos / 2, intervalNanos + (timeoutNanos - intervalNanos) / 2);
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.lastPingNanos = System.nanoTime();
		scheduleLivenessCheck(ctx, this.pingAfterSilenceNanos);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		stopLiveness();
		this.connection.readComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		stopLiveness();
		this.connection.readComplete();
		super.channelInactive(ctx);
	}

	private void stopLiveness() {
		this.livenessStopped = true;
		this.liveness.cancel(false);
	}

	/**
	 * Schedules the next check no earlier than {@code delayNanos} from now, rounded up to the next multiple of
	 * 1/{@value #CHECKS_PER_INTERVAL} of the ping interval on the monotonic clock: the checks of every connection on
	 * an event loop then fall on the same few instants, so an idle loop wakes a few times per interval, not once per
	 * connection.
	 */
	private void scheduleLivenessCheck(ChannelHandlerContext ctx, long delayNanos) {
		long grid = Math.max(1, this.context.pingInterval().toNanos() / CHECKS_PER_INTERVAL);
		long now = System.nanoTime();
		long due = Math.floorDiv(now + delayNanos + grid - 1, grid) * grid;
		this.liveness = ctx.executor().schedule(() -> checkLiveness(ctx), due - now, TimeUnit.NANOSECONDS);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		// Once per read, not per frame: the clock reads cost more than a small frame's handling, and any bytes,
		// whole frames or not, show the peer is alive.
		this.connection.received();
		this.connection.readComplete();
		super.channelReadComplete(ctx);
	}

	/**
	 * Runs when the peer will have been silent long enough for a PING unless something arrives first, and every
	 * ping interval while the silence lasts. Sends PING only after that silence, or when our last one is
	 * {@link #RTT_REFRESH_INTERVALS} intervals old: anything the peer sent, usually its own PING, shows it is alive.
	 */
	private void checkLiveness(ChannelHandlerContext ctx) {
		if (this.livenessStopped) {
			return;
		}
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
		long interval = this.context.pingInterval().toNanos();
		long now = System.nanoTime();
		if (silentNanos >= this.pingAfterSilenceNanos || now - this.lastPingNanos >= RTT_REFRESH_INTERVALS * interval) {
			this.lastPingNanos = now;
			ByteBuf ping = FrameEncoder.start(this.connection.alloc(), FrameType.PING, 8).writeLong(now);
			this.connection.send(FrameEncoder.finish(ping));
			scheduleLivenessCheck(ctx, interval);
		}
		else {
			scheduleLivenessCheck(ctx, this.pingAfterSilenceNanos - silentNanos);
		}
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
