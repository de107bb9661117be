package io.librats.message;

import java.io.IOException;
import java.io.OutputStream;

import io.librats.transport.FrameEncoder;
import io.librats.transport.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Writes MESSAGE frames with the JSON serialised straight into the frame buffer, and reads them back. */
final class MessageCodec {

	private final JsonMapper mapper;

	MessageCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	ByteBuf encode(ByteBufAllocator alloc, MessageHeader header, Object data) {
		ByteBuf frame = FrameEncoder.start(alloc, FrameType.MESSAGE, 128);
		try {
			header.writeTo(frame);
			try (OutputStream out = new ByteBufOutputStream(frame)) {
				this.mapper.writeValue(out, data);
			}
			return FrameEncoder.finish(frame);
		}
		catch (IOException | RuntimeException ex) {
			frame.release();
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalArgumentException("cannot serialise message: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Parses a JSON payload; a malformed one is reported as {@link JacksonException}, an empty one as
	 * {@link IllegalArgumentException}.
	 */
	JsonNode decode(byte[] json) {
		JsonNode node = this.mapper.readTree(json);
		if (node == null || node.isMissingNode()) {
			throw new IllegalArgumentException("empty JSON document");
		}
		return node;
	}

	static byte[] copyPayload(ByteBuf body) {
		byte[] bytes = new byte[body.readableBytes()];
		body.readBytes(bytes);
		return bytes;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

}
