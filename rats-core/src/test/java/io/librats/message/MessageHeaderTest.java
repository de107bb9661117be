package io.librats.message;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.librats.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The binary MESSAGE header: round trips for every valid flag combination, clear errors for everything else. */
class MessageHeaderTest {

	static Stream<Arguments> validHeaders() {
		return Stream.of(Arguments.of(0, "chat", 0), Arguments.of(MessageHeader.REQUEST, "echo", 1),
				Arguments.of(MessageHeader.REQUEST, "echo", -1), Arguments.of(MessageHeader.REPLY, "echo", 123456),
				Arguments.of(MessageHeader.REPLY | MessageHeader.ERROR, "echo", Integer.MAX_VALUE),
				Arguments.of(0, "ü✓€", 0),
				Arguments.of(0, "t".repeat(MessageHeader.MAX_TYPE_BYTES), 0));
	}

	@ParameterizedTest
	@MethodSource("validHeaders")
	void roundTripsAndLeavesThePayloadUnread(int flags, String type, int correlationId) {
		MessageHeader header = new MessageHeader(flags, type, correlationId);
		ByteBuf buf = Unpooled.buffer();
		try {
			header.writeTo(buf);
			buf.writeBytes("{\"k\":1}".getBytes(StandardCharsets.UTF_8));
			MessageHeader read = MessageHeader.readFrom(buf);
			assertThat(read).isEqualTo(header);
			assertThat(read.isRequest()).isEqualTo((flags & MessageHeader.REQUEST) != 0);
			assertThat(read.isReply()).isEqualTo((flags & MessageHeader.REPLY) != 0);
			assertThat(read.isError()).isEqualTo((flags & MessageHeader.ERROR) != 0);
			assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("{\"k\":1}");
		}
		finally {
			buf.release();
		}
	}

	@Test
	void correlationIdIsOnlyOnTheWireForRequestsAndReplies() {
		ByteBuf plain = Unpooled.buffer();
		ByteBuf request = Unpooled.buffer();
		try {
			new MessageHeader(0, "abc", 99).writeTo(plain);
			new MessageHeader(MessageHeader.REQUEST, "abc", 99).writeTo(request);
			assertThat(plain.readableBytes()).isEqualTo(1 + 1 + 3);
			assertThat(request.readableBytes()).isEqualTo(1 + 1 + 3 + 4);
			assertThat(MessageHeader.readFrom(plain).correlationId()).as("ignored without REQUEST/REPLY").isZero();
		}
		finally {
			plain.release();
			request.release();
		}
	}

	@ParameterizedTest
	// REQUEST|REPLY together, ERROR without REPLY, and any unassigned bit.
	@ValueSource(ints = { 0x03, 0x04, 0x05, 0x07, 0x08, 0x10, 0x40, 0x80, 0xff, 0x09, 0x0a })
	void invalidFlagsAreRejected(int flags) {
		ByteBuf buf = Unpooled.buffer().writeByte(flags).writeByte(1).writeByte('a').writeInt(5);
		try {
			assertThat(catchThrowable(() -> MessageHeader.readFrom(buf))).isInstanceOf(ProtocolException.class)
				.hasMessage("MESSAGE with invalid flags 0x" + Integer.toHexString(flags));
		}
		finally {
			buf.release();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, MessageHeader.REQUEST, MessageHeader.REPLY })
	void emptyTypeIsRejected(int flags) {
		ByteBuf buf = Unpooled.buffer().writeByte(flags).writeByte(0).writeInt(5);
		try {
			assertThat(catchThrowable(() -> MessageHeader.readFrom(buf))).isInstanceOf(ProtocolException.class)
				.hasMessage("MESSAGE with empty type");
		}
		finally {
			buf.release();
		}
	}

	static Stream<Arguments> truncations() {
		// flags, type length, type bytes, then (with REQUEST/REPLY) a 4-byte correlation id: cut anywhere before the end.
		return Stream.of(0, MessageHeader.REQUEST, MessageHeader.REPLY | MessageHeader.ERROR).flatMap((flags) -> {
			ByteBuf buf = Unpooled.buffer();
			new MessageHeader(flags, "typ", 77).writeTo(buf);
			int length = buf.readableBytes();
			buf.release();
			return IntStream.range(0, length).mapToObj((cut) -> Arguments.of(flags, cut));
		});
	}

	@ParameterizedTest(name = "flags {0}, cut at {1}")
	@MethodSource("truncations")
	void truncatedHeaderIsRejected(int flags, int cut) {
		ByteBuf buf = Unpooled.buffer();
		try {
			new MessageHeader(flags, "typ", 77).writeTo(buf);
			ByteBuf truncated = buf.slice(0, cut);
			assertThat(catchThrowable(() -> MessageHeader.readFrom(truncated))).isInstanceOf(ProtocolException.class)
				.hasMessage("truncated MESSAGE header");
		}
		finally {
			buf.release();
		}
	}

	/**
	 * A type length beyond the readable bytes must be "truncated", whatever the buffer's capacity. Netty's
	 * {@code readCharSequence} only checks the capacity, so a body with spare capacity behind its writer index (any
	 * buffer that is not an exact slice) is read past its end: stale memory becomes the type and the reader index
	 * ends beyond the writer index.
	 */
	@Test
	void typeLengthBeyondTheReadableBytesIsTruncatedEvenWithSpareCapacity() {
		ByteBuf buf = Unpooled.buffer(256).writeByte(0).writeByte(200).writeBytes("short".getBytes(StandardCharsets.UTF_8));
		try {
			Throwable thrown = catchThrowable(() -> MessageHeader.readFrom(buf));
			assertThat(thrown)
				.as("readFrom read past the writer index instead of failing (readerIndex %d > writerIndex %d)",
						buf.readerIndex(), buf.writerIndex())
				.isInstanceOf(ProtocolException.class)
				.hasMessage("truncated MESSAGE header");
		}
		finally {
			buf.release();
		}
	}

	@Test
	void malformedUtf8TypeIsRejected() {
		ByteBuf buf = Unpooled.buffer().writeByte(0).writeByte(2).writeByte(0xc3).writeByte(0x28);
		try {
			assertThat(catchThrowable(() -> MessageHeader.readFrom(buf))).isInstanceOf(ProtocolException.class)
				.hasMessageContaining("not valid UTF-8");
		}
		finally {
			buf.release();
		}
	}

	@Test
	void checkTypeRefusesEmptyAndOverlongTypes() {
		assertThatThrownBy(() -> MessageHeader.checkType("")).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("message type must not be empty");
		assertThatThrownBy(() -> MessageHeader.checkType(null)).isInstanceOf(IllegalArgumentException.class);
		// 128 two-byte characters: 128 characters but 256 bytes, one more than the length byte can say.
		assertThatThrownBy(() -> MessageHeader.checkType("é".repeat(128))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("longer than 255 bytes");
		MessageHeader.checkType("t".repeat(255));
	}

}
