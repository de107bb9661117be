package io.librats.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the (decrypted) byte stream into frames: a 4-byte big-endian length covering the type byte and the body,
 * then the type, then the body. Oversized, empty and unassigned-type frames fail the connection.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

	/**
	 * Largest frame accepted before the peer is admitted: HELLO and GOODBYE are tiny, and an unadmitted peer must
	 * not make us buffer megabytes.
	 */
	static final int MAX_HANDSHAKE_FRAME = 4096;

	private boolean admitted;

	FrameDecoder(int maxFrameSize) {
		// +1 for the type byte; fail fast so an announced giant frame is refused before any of it is buffered.
		super(maxFrameSize + 1 + 4, 0, 4, 0, 4, true);
		// A large frame arrives as many decrypted chunks; composing them instead of merging saves a full copy.
		setCumulator(COMPOSITE_CUMULATOR);
	}

	/** Lifts the pre-admission size limit; called on the event loop once the peer is admitted. */
	void admitted() {
		this.admitted = true;
	}

	@Override
	protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
		if (!this.admitted && in.readableBytes() >= 4 && in.getUnsignedInt(in.readerIndex()) > MAX_HANDSHAKE_FRAME) {
			throw new ProtocolException("frame of " + in.getUnsignedInt(in.readerIndex())
					+ " bytes before the handshake completed (limit " + MAX_HANDSHAKE_FRAME + ")");
		}
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
