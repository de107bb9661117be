package io.librats.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the (decrypted) byte stream into frames: a 4-byte big-endian length covering the type byte and the body,
 * then the type, then the body. Oversized, empty and unassigned-type frames fail the connection.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

	FrameDecoder(int maxFrameSize) {
		// +1 for the type byte; fail fast so an announced giant frame is refused before any of it is buffered.
		super(maxFrameSize + 1 + 4, 0, 4, 0, 4, true);
	}

	@Override
	protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
		ByteBuf frame = (ByteBuf) super.decode(ctx, in);
		if (frame == null) {
			return null;
		}
		try {
			if (!frame.isReadable()) {
				throw new ProtocolException("empty frame (length 0)");
			}
			byte type = frame.readByte();
			if (!FrameType.isKnownCore(type) && !FrameType.isExtension(type)) {
				throw new ProtocolException("unassigned frame type " + FrameType.name(type));
			}
			return new Frame(type, frame.retain());
		}
		finally {
			frame.release();
		}
	}

}
