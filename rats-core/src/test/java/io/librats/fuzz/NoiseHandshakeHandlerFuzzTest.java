package io.librats.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseHandshakeHandler;
import io.librats.noise.NoiseKeyPair;
import io.librats.transport.WireFuzzTargets;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responder's {@link NoiseHandshakeHandler} on an arbitrary inbound byte stream in arbitrary chunks (2-byte
 * length prefixes included): it fails only with {@code NoiseException} inside a {@code DecoderException}, never
 * completes a handshake nobody authenticated, and releases every buffer.
 */
class NoiseHandshakeHandlerFuzzTest {

	private static final NoiseKeyPair RESPONDER = NoiseKeyPair.generate();

	private static final byte[] PROLOGUE = WireFuzzTargets.prologue("rats");

	@FuzzTest(maxDuration = "60s")
	void responderHandler(byte[] input) {
		check(input);
	}

	static Stream<Arguments> seeded() {
		List<byte[]> samples = new ArrayList<>();
		for (byte[] message : NoiseHandshakeFuzzTest.genuineMessages()) {
			byte[] framed = new byte[3 + message.length];
			framed[0] = 16;
			framed[1] = (byte) (message.length >>> 8);
			framed[2] = (byte) message.length;
			System.arraycopy(message, 0, framed, 3, message.length);
			samples.add(framed);
		}
		samples.add(new byte[] { 1, 0, 0 });
		samples.add(new byte[] { 5, (byte) 0xff, (byte) 0xff, 1, 2, 3 });
		return FuzzSupport.seededInputs(0x4A4D1E, FuzzSupport.SEEDED_INPUTS, samples);
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void responderHandlerOnSeededInputs(int index, byte[] input) {
		check(input);
	}

	/** First byte: chunk size (1..256) the rest arrives in. */
	static void check(byte[] input) {
		int chunk = 1 + ((input.length > 0) ? input[0] & 0xff : 0);
		EmbeddedChannel channel = new EmbeddedChannel(
				new NoiseHandshakeHandler(NoiseHandshake.responder(RESPONDER, PROLOGUE, AeadImplementation.BOUNCY_CASTLE)));
		boolean[] completed = { false };
		FuzzSupport.feedInChunks(channel, input, chunk, () -> {
			completed[0] |= channel.pipeline().get(NoiseHandshakeHandler.DECRYPT_NAME) != null;
			releaseAll(channel);
		});
		assertThat(completed[0]).as("a handshake completed with a forged third message").isFalse();
	}

	private static void releaseAll(EmbeddedChannel channel) {
		Object msg;
		while ((msg = channel.readInbound()) != null) {
			ReferenceCountUtil.release(msg);
		}
		while ((msg = channel.readOutbound()) != null) {
			ReferenceCountUtil.release(msg);
		}
	}

}
