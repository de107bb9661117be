package io.librats.transport;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/** Reads UTF-8 text fields of frames, refusing malformed bytes instead of replacing them. */
public final class StrictUtf8 {

	private StrictUtf8() {
	}

	/** Reads {@code length} bytes as UTF-8. */
	public static String read(ByteBuf in, int length, String field) {
		ByteBuffer bytes = in.nioBuffer(in.readerIndex(), length);
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(bytes)
				.toString();
			in.skipBytes(length);
			return text;
		}
		catch (CharacterCodingException ex) {
			throw new ProtocolException(field + " is not valid UTF-8");
		}
	}

}
