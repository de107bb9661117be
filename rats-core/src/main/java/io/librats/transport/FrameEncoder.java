package io.librats.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Builds frames. Small bodies are copied behind the header so each frame is one buffer; large bodies are appended as
 * a composite so a 16 MiB binary message is never copied just to prefix five bytes.
 */
public final class FrameEncoder {

	public static final int HEADER_LENGTH = 5;

	private static final int COPY_THRESHOLD = 2048;

	private FrameEncoder() {
	}

	/** Allocates a frame buffer with room for the header; the caller writes the body and calls {@link #finish}. */
	public static ByteBuf start(ByteBufAllocator alloc, byte type, int bodySizeHint) {
		ByteBuf buf = alloc.buffer(HEADER_LENGTH + bodySizeHint);
		buf.writeInt(0);
		buf.writeByte(type);
		return buf;
	}

	/** Patches the length field of a frame begun with {@link #start}. */
	public static ByteBuf finish(ByteBuf frame) {
		frame.setInt(frame.readerIndex(), frame.readableBytes() - 4);
		return frame;
	}

	/**
	 * Frames a copy of {@code body} in a plain heap array rather than a pooled buffer: the frame lives only until the
	 * encrypting handler copies it into a Noise message, and off the event loop the pooled allocator costs a shared
	 * magazine and leak-detector sampling per call, which the small-message profile showed as 40% of a send.
	 */
	public static ByteBuf copyOf(byte type, byte[] body) {
		byte[] frame = new byte[HEADER_LENGTH + body.length];
		ByteBuf buf = Unpooled.wrappedBuffer(frame);
		buf.setInt(0, body.length + 1);
		buf.setByte(4, type);
		System.arraycopy(body, 0, frame, HEADER_LENGTH, body.length);
		return buf;
	}

	/** Frames {@code body}, taking ownership of it. */
	public static ByteBuf encode(ByteBufAllocator alloc, byte type, ByteBuf body) {
		int length = body.readableBytes();
		if (length <= COPY_THRESHOLD) {
			try {
				return finish(start(alloc, type, length).writeBytes(body));
			}
			finally {
				body.release();
			}
		}
		ByteBuf header = alloc.buffer(HEADER_LENGTH).writeInt(length + 1).writeByte(type);
		return alloc.compositeBuffer(2).addComponents(true, header, body);
	}

}
