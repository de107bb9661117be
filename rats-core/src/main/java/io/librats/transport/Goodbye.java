package io.librats.transport;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** GOODBYE frame body: a reason code and a short UTF-8 text for the operator on the other side. */
final class Goodbye {

	static final int MAX_TEXT = 512;

	private Goodbye() {
	}

	static ByteBuf encode(ByteBufAllocator alloc, GoodbyeReason reason, String detail) {
		byte[] text = ((detail != null) ? detail : reason.description()).getBytes(StandardCharsets.UTF_8);
		int length = Math.min(text.length, MAX_TEXT);
		ByteBuf frame = FrameEncoder.start(alloc, FrameType.GOODBYE, 1 + length);
		frame.writeByte(reason.code()).writeBytes(text, 0, length);
		return FrameEncoder.finish(frame);
	}

	static GoodbyeReason reason(ByteBuf body) {
		if (!body.isReadable()) {
			throw new ProtocolException("empty GOODBYE");
		}
		return GoodbyeReason.fromCode(body.readUnsignedByte());
	}

	static String text(ByteBuf body) {
		return body.toString(body.readerIndex(), Math.min(body.readableBytes(), MAX_TEXT), StandardCharsets.UTF_8);
	}

}
