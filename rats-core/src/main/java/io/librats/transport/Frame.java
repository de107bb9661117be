package io.librats.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** One decoded rats frame: its type and its body. The receiver owns the body and must release it. */
final class Frame extends DefaultByteBufHolder {

	private final byte type;

	Frame(byte type, ByteBuf body) {
		super(body);
		this.type = type;
	}

	byte type() {
		return this.type;
	}

	@Override
	public String toString() {
		return "Frame[" + FrameType.name(this.type) + ", " + content().readableBytes() + " bytes]";
	}

}
