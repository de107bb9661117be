package io.librats.benchmarks;

import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseException;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseKeyPair;
import io.librats.noise.NoiseTransport;

/**
 * The cryptographic floor of a connection: a complete Noise XX handshake, both sides, in memory on one thread, with
 * rats' own {@link NoiseHandshake} (fresh ephemeral keys, 3 messages, split). No sockets, no threads, no HELLO.
 */
final class HandshakeBaseline {

	private static final byte[] PROLOGUE = "RATS\u0001rats".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

	private final AeadImplementation aead;

	private final NoiseKeyPair a = NoiseKeyPair.generate();

	private final NoiseKeyPair b = NoiseKeyPair.generate();

	HandshakeBaseline(AeadImplementation aead) {
		this.aead = aead;
	}

	/** Handshakes (both sides) completed per second by one thread, for about {@code seconds}. */
	double perSecond(double seconds) {
		long start = System.nanoTime();
		long deadline = start + (long) (seconds * 1e9);
		long count = 0;
		long now;
		do {
			once();
			count++;
			now = System.nanoTime();
		} while (now < deadline);
		return count / ((now - start) / 1e9);
	}

	private void once() {
		try {
			NoiseHandshake initiator = NoiseHandshake.initiator(this.a, PROLOGUE, this.aead);
			NoiseHandshake responder = NoiseHandshake.responder(this.b, PROLOGUE, this.aead);
			responder.readMessage(initiator.writeMessage(null));
			initiator.readMessage(responder.writeMessage(null));
			responder.readMessage(initiator.writeMessage(null));
			NoiseTransport t1 = initiator.split();
			NoiseTransport t2 = responder.split();
			t1.sender().destroy();
			t1.receiver().destroy();
			t2.sender().destroy();
			t2.receiver().destroy();
		}
		catch (NoiseException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
