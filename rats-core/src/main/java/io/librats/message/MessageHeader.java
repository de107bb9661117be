package io.librats.message;

import java.nio.charset.StandardCharsets;

import io.librats.transport.ProtocolException;
import io.librats.transport.StrictUtf8;
import io.netty.buffer.ByteBuf;

/**
 * The binary header of a MESSAGE frame body: flags, the message type, and a correlation id for requests and
 * replies. The JSON document follows it.
 *
 * @param flags {@link #REQUEST}, {@link #REPLY}, {@link #ERROR}
 * @param type the application message type, 1..255 bytes of UTF-8
 * @param correlationId request id, meaningful with REQUEST or REPLY
 */
record MessageHeader(int flags, String type, int correlationId) {

	static final int REQUEST = 0x01;
	static final int REPLY = 0x02;
	static final int ERROR = 0x04;

	static final int MAX_TYPE_BYTES = 255;

	boolean isRequest() {
		return (this.flags & REQUEST) != 0;
	}

	boolean isReply() {
		return (this.flags & REPLY) != 0;
	}

	boolean isError() {
		return (this.flags & ERROR) != 0;
	}

	private boolean hasCorrelation() {
		return (this.flags & (REQUEST | REPLY)) != 0;
	}

	void writeTo(ByteBuf out) {
		byte[] typeBytes = this.type.getBytes(StandardCharsets.UTF_8);
		out.writeByte(this.flags).writeByte(typeBytes.length).writeBytes(typeBytes);
		if (hasCorrelation()) {
			out.writeInt(this.correlationId);
		}
	}

	static void checkType(String type) {
		if (type == null || type.isEmpty()) {
			throw new IllegalArgumentException("message type must not be empty");
		}
		if (type.getBytes(StandardCharsets.UTF_8).length > MAX_TYPE_BYTES) {
			throw new IllegalArgumentException("message type longer than " + MAX_TYPE_BYTES + " bytes: " + type);
		}
	}

	static MessageHeader readFrom(ByteBuf in) {
		try {
			int flags = in.readUnsignedByte();
			if ((flags & ~(REQUEST | REPLY | ERROR)) != 0 || (flags & (REQUEST | REPLY)) == (REQUEST | REPLY)
					|| ((flags & ERROR) != 0 && (flags & REPLY) == 0)) {
				throw new ProtocolException("MESSAGE with invalid flags 0x" + Integer.toHexString(flags));
			}
			int typeLength = in.readUnsignedByte();
			if (typeLength == 0) {
				throw new ProtocolException("MESSAGE with empty type");
			}
			if (in.readableBytes() < typeLength) {
				throw new ProtocolException("truncated MESSAGE header");
			}
			String type = StrictUtf8.read(in, typeLength, "MESSAGE type");
			int correlationId = ((flags & (REQUEST | REPLY)) != 0) ? in.readInt() : 0;
			return new MessageHeader(flags, type, correlationId);
		}
		catch (IndexOutOfBoundsException ex) {
			throw new ProtocolException("truncated MESSAGE header");
		}
	}

}
