package io.librats.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseException;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseKeyPair;
import io.librats.transport.WireFuzzTargets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link NoiseHandshake#readMessage} on arbitrary messages, where an attacker controls them: the responder reading
 * the first and the third message, the initiator reading the second. Only {@link NoiseException} may escape, a
 * failed handshake is dead (every later call fails, no key is exposed), and no forged message authenticates.
 */
class NoiseHandshakeFuzzTest {

	private static final NoiseKeyPair INITIATOR = NoiseKeyPair.generate();

	private static final NoiseKeyPair RESPONDER = NoiseKeyPair.generate();

	private static final byte[] PROLOGUE = WireFuzzTargets.prologue("rats");

	private static final AeadImplementation AEAD = AeadImplementation.BOUNCY_CASTLE;

	@FuzzTest(maxDuration = "60s")
	void responderReadsFirstMessage(byte[] input) throws Exception {
		checkFirst(input);
	}

	@FuzzTest(maxDuration = "60s")
	void initiatorReadsSecondMessage(byte[] input) throws Exception {
		checkSecond(input);
	}

	@FuzzTest(maxDuration = "60s")
	void responderReadsThirdMessage(byte[] input) throws Exception {
		checkThird(input);
	}

	/** Genuine messages 1, 2 and 3 of one handshake, as mutation seeds. */
	static List<byte[]> genuineMessages() {
		try {
			NoiseHandshake initiator = NoiseHandshake.initiator(INITIATOR, PROLOGUE, AEAD);
			NoiseHandshake responder = NoiseHandshake.responder(RESPONDER, PROLOGUE, AEAD);
			List<byte[]> messages = new ArrayList<>();
			messages.add(initiator.writeMessage(null));
			responder.readMessage(messages.get(0));
			messages.add(responder.writeMessage(null));
			initiator.readMessage(messages.get(1));
			messages.add(initiator.writeMessage(null));
			responder.readMessage(messages.get(2));
			initiator.destroy();
			responder.destroy();
			return messages;
		}
		catch (NoiseException ex) {
			throw new AssertionError(ex);
		}
	}

	static Stream<Arguments> seeded() {
		// Genuine messages of another handshake never authenticate in this one, so mutations of them are fair game.
		List<byte[]> samples = new ArrayList<>(genuineMessages());
		samples.add(new byte[32]);
		samples.add(new byte[65536]);
		return FuzzSupport.seededInputs(0x4015E, FuzzSupport.SEEDED_INPUTS, samples);
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void allThreeReadsOnSeededInputs(int index, byte[] input) throws Exception {
		checkFirst(input);
		checkSecond(input);
		checkThird(input);
	}

	static void checkFirst(byte[] input) throws Exception {
		NoiseHandshake responder = NoiseHandshake.responder(RESPONDER, PROLOGUE, AEAD);
		try {
			byte[] payload;
			try {
				payload = responder.readMessage(input);
			}
			catch (NoiseException ex) {
				assertDead(responder);
				return;
			}
			catch (RuntimeException ex) {
				FuzzSupport.assertExpectedFailure(ex);
				return;
			}
			// Message 1 is unauthenticated: anything of at least 32 bytes is an ephemeral key plus a clear payload.
			assertThat(input.length).isGreaterThanOrEqualTo(32);
			assertThat(payload).hasSize(input.length - 32);
			assertThat(responder.isWriteTurn()).isTrue();
			try {
				byte[] second = responder.writeMessage(null);
				assertThat(second).hasSize(32 + 48 + 16);
			}
			catch (NoiseException lowOrderKey) {
				assertDead(responder);
			}
		}
		finally {
			responder.destroy();
		}
	}

	static void checkSecond(byte[] input) throws Exception {
		NoiseHandshake initiator = NoiseHandshake.initiator(INITIATOR, PROLOGUE, AEAD);
		try {
			initiator.writeMessage(null);
			expectRejected(initiator, input);
		}
		finally {
			initiator.destroy();
		}
	}

	static void checkThird(byte[] input) throws Exception {
		NoiseHandshake initiator = NoiseHandshake.initiator(INITIATOR, PROLOGUE, AEAD);
		NoiseHandshake responder = NoiseHandshake.responder(RESPONDER, PROLOGUE, AEAD);
		try {
			responder.readMessage(initiator.writeMessage(null));
			responder.writeMessage(null);
			expectRejected(responder, input);
			assertThat(catchThrowable(responder::remoteStaticKey)).as("no unauthenticated key is exposed")
				.isInstanceOf(IllegalStateException.class);
		}
		finally {
			initiator.destroy();
			responder.destroy();
		}
	}

	/** An attacker cannot produce an authenticated message for a fresh handshake: reading must fail cleanly. */
	private static void expectRejected(NoiseHandshake reader, byte[] input) throws NoiseException {
		Throwable thrown = catchThrowable(() -> reader.readMessage(input));
		if (!(thrown instanceof NoiseException)) {
			if (thrown == null) {
				throw new AssertionError("a forged handshake message of " + input.length + " bytes authenticated");
			}
			FuzzSupport.assertExpectedFailure(thrown);
		}
		assertDead(reader);
	}

	private static void assertDead(NoiseHandshake handshake) {
		assertThat(handshake.isWriteTurn()).isFalse();
		assertThat(handshake.isComplete()).isFalse();
		assertThat(catchThrowable(() -> handshake.readMessage(new byte[96]))).isInstanceOf(NoiseException.class)
			.hasMessageContaining("failed");
		assertThat(catchThrowable(() -> handshake.writeMessage(null))).isInstanceOf(NoiseException.class);
		assertThat(catchThrowable(handshake::split)).isInstanceOf(IllegalStateException.class);
	}

}
