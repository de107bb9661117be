package io.librats.transport;

import java.io.IOException;

import io.librats.metrics.RatsMetrics;
import io.librats.noise.NoiseException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every pipeline: turns any failure into a counted metric, a clear log line and a closed connection, and
 * tells the {@link PeerTable} when the channel is gone. Nothing a peer sends can escape further than this.
 */
final class ConnectionCloseHandler extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionCloseHandler.class);

	private final PeerConnection connection;

	private final TransportContext context;

	ConnectionCloseHandler(PeerConnection connection) {
		this.connection = connection;
		this.context = connection.context();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable root = (cause instanceof DecoderException && cause.getCause() != null) ? cause.getCause() : cause;
		if (!this.connection.markFailed(root)) {
			// Bytes buffered behind the first error are decoded again as the channel closes: not news.
			return;
		}
		// Read nothing more while the goodbye is on its way out.
		ctx.channel().config().setAutoRead(false);
		boolean handshaking = this.connection.peerId() == null;
		String metric = classify(root, handshaking);
		if (metric != null) {
			this.context.metrics().increment(metric);
		}
		if (root instanceof IOException) {
			logger.debug("Connection {} failed: {}", this.connection, root.getMessage());
		}
		else if (metric != null) {
			logger.warn("Closing {}: {}", this.connection, root.getMessage());
		}
		else {
			logger.error("Closing {} after an unexpected error", this.connection, root);
		}
		if ((root instanceof ProtocolException && !(root instanceof IdentityMismatchException))
				|| root instanceof TooLongFrameException || root instanceof CorruptedFrameException) {
			this.connection.close(GoodbyeReason.PROTOCOL_ERROR, root.getMessage());
		}
		else {
			ctx.close();
		}
	}

	private static String classify(Throwable root, boolean handshaking) {
		if (root instanceof NoiseException) {
			return handshaking ? RatsMetrics.HANDSHAKE_FAILED : RatsMetrics.DECRYPT_FAILED;
		}
		if (root instanceof IncompatiblePeerException) {
			return RatsMetrics.INCOMPATIBLE_PEERS;
		}
		if (root instanceof IdentityMismatchException) {
			return RatsMetrics.HANDSHAKE_FAILED;
		}
		if (root instanceof ProtocolException || root instanceof TooLongFrameException
				|| root instanceof CorruptedFrameException) {
			return RatsMetrics.MALFORMED_FRAMES;
		}
		return null;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		// Only reached when a frame arrives after the session handler is gone, i.e. while closing.
		ReferenceCountUtil.release(msg);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.context.peerTable().closed(this.connection);
		super.channelInactive(ctx);
	}

}
