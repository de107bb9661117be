package io.librats.fuzz;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MESSAGE header reader on arbitrary bodies: a result has valid flags and a non-empty type read from within the
 * body; everything else is a {@link ProtocolException}. {@code MessageHeader} is package-private in
 * {@code io.librats.message}, so it is reached through method handles.
 */
class MessageHeaderFuzzTest {

	private static final MethodHandle READ_FROM;

	private static final MethodHandle FLAGS;

	private static final MethodHandle TYPE;

	static {
		try {
			Class<?> header = Class.forName("io.librats.message.MessageHeader");
			READ_FROM = unreflect(header.getDeclaredMethod("readFrom", ByteBuf.class));
			FLAGS = unreflect(header.getDeclaredMethod("flags"));
			TYPE = unreflect(header.getDeclaredMethod("type"));
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static MethodHandle unreflect(Method method) throws IllegalAccessException {
		method.setAccessible(true);
		return MethodHandles.lookup().unreflect(method);
	}

	@FuzzTest(maxDuration = "60s")
	void messageHeader(byte[] input) {
		check(input);
	}

	static Stream<Arguments> seeded() {
		return FuzzSupport.seededInputs(0x3E55A6E, FuzzSupport.SEEDED_INPUTS,
				List.of(header(0x00, "chat", null, "{\"text\":\"hi\"}"), header(0x01, "echo", 7, "{}"),
						header(0x02, "echo", 7, "[1,2]"), header(0x06, "ü✓", -1, "{\"error\":\"x\"}")));
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void messageHeaderOnSeededInputs(int index, byte[] input) {
		check(input);
	}

	static void check(byte[] input) {
		FuzzSupport.parseExactAndWithStaleTail(input, "x".repeat(290), MessageHeaderFuzzTest::read);
	}

	private static void read(ByteBuf body) {
		Object header;
		try {
			header = READ_FROM.invoke(body);
		}
		catch (ProtocolException expected) {
			assertThat(expected.getMessage()).isNotBlank();
			return;
		}
		catch (RuntimeException unexpected) {
			FuzzSupport.assertExpectedFailure(unexpected);
			return;
		}
		catch (Throwable other) {
			throw new AssertionError("unexpected " + other, other);
		}
		try {
			int flags = (int) FLAGS.invoke(header);
			String type = (String) TYPE.invoke(header);
			assertThat(flags & ~0x07).as("only REQUEST, REPLY, ERROR").isZero();
			assertThat(flags & 0x03).as("not both REQUEST and REPLY").isNotEqualTo(0x03);
			assertThat(type).isNotEmpty();
			assertThat(type.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
			assertThat(body.readerIndex()).as("header read stayed within the body")
				.isLessThanOrEqualTo(body.writerIndex());
		}
		catch (Throwable ex) {
			if (ex instanceof AssertionError assertion) {
				throw assertion;
			}
			throw new AssertionError(ex);
		}
	}

	private static byte[] header(int flags, String type, Integer correlationId, String json) {
		ByteBuf buf = Unpooled.buffer();
		try {
			byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
			buf.writeByte(flags).writeByte(typeBytes.length).writeBytes(typeBytes);
			if (correlationId != null) {
				buf.writeInt(correlationId);
			}
			buf.writeBytes(json.getBytes(StandardCharsets.UTF_8));
			byte[] bytes = new byte[buf.readableBytes()];
			buf.readBytes(bytes);
			return bytes;
		}
		finally {
			buf.release();
		}
	}

}
