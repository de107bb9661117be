package io.librats.benchmarks;

import io.librats.noise.AeadImplementation;
import io.librats.noise.CipherState;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseException;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseKeyPair;
import io.librats.noise.NoiseTransport;

/**
 * The baseline of the bulk experiment: how fast one core seals (and opens) ChaCha20-Poly1305 in this JVM, through
 * rats' own {@link CipherState} with the chosen {@link AeadImplementation}. The cipher states come from a real
 * in-memory Noise XX handshake, since that is their public way in.
 *
 * <p>Message size: a Noise transport message holds at most 65,535 bytes including the 16-byte tag, so a 64 KiB
 * rats message (65,541 bytes framed) is sealed as 65,519-byte Noise messages, which is exactly what rats' encrypting
 * handler produces on a bulk stream. The baseline therefore seals 65,519-byte plaintexts.
 */
final class AeadBaseline {

	static final int PLAINTEXT = CipherState.MAX_MESSAGE_LENGTH - CipherState.TAG_LENGTH;

	/**
	 * @param sealMBps plaintext MB/s (10^6 bytes) sealed by one thread
	 * @param openMBps plaintext MB/s opened by one thread
	 */
	record Speed(double sealMBps, double openMBps) {
	}

	private final CipherState sealer;

	private final CipherState opener;

	private final int length;

	private final byte[] plain;

	private final byte[] sealed;

	private final byte[] opened;

	AeadBaseline(AeadImplementation aead) throws NoiseException {
		this(aead, PLAINTEXT);
	}

	/** A ChaCha20-Poly1305 cipher pair that seals and opens plaintexts of {@code length} bytes. */
	AeadBaseline(AeadImplementation aead, int length) throws NoiseException {
		this(aead, length, NoiseCipher.CHACHA_POLY);
	}

	/** A cipher pair of {@code cipher} ({@code aead} picks the ChaCha20-Poly1305 implementation). */
	AeadBaseline(AeadImplementation aead, int length, NoiseCipher cipher) throws NoiseException {
		this.length = length;
		this.plain = new byte[length];
		this.sealed = new byte[length + CipherState.TAG_LENGTH];
		this.opened = new byte[length];
		NoiseHandshake initiator = NoiseHandshake.initiator(NoiseKeyPair.generate(), null, aead);
		NoiseHandshake responder = NoiseHandshake.responder(NoiseKeyPair.generate(), null, aead);
		initiator.useCipher(cipher);
		responder.useCipher(cipher);
		responder.readMessage(initiator.writeMessage(null));
		initiator.readMessage(responder.writeMessage(null));
		responder.readMessage(initiator.writeMessage(null));
		NoiseTransport a = initiator.split();
		NoiseTransport b = responder.split();
		this.sealer = a.sender();
		this.opener = b.receiver();
		new java.util.Random(42).nextBytes(this.plain);
	}

	/** Seals only, for about {@code seconds}; returns plaintext MB/s. */
	double seal(double seconds) throws NoiseException {
		long deadline = System.nanoTime() + (long) (seconds * 1e9);
		long start = System.nanoTime();
		long bytes = 0;
		long now;
		do {
			this.sealer.encryptWithAd(null, this.plain, 0, this.length, this.sealed, 0);
			bytes += this.length;
			now = System.nanoTime();
		} while (now < deadline);
		return bytes / ((now - start) / 1e3);
	}

	/**
	 * Seals and opens alternately, timing each side separately. Call it on a fresh instance: {@link #seal} advances
	 * only the sealer's nonce, after which the opener is out of step.
	 */
	Speed sealAndOpen(double seconds) throws NoiseException {
		long deadline = System.nanoTime() + (long) (seconds * 1e9);
		long sealNanos = 0;
		long openNanos = 0;
		long bytes = 0;
		while (System.nanoTime() < deadline) {
			long t0 = System.nanoTime();
			this.sealer.encryptWithAd(null, this.plain, 0, this.length, this.sealed, 0);
			long t1 = System.nanoTime();
			this.opener.decryptWithAd(null, this.sealed, 0, this.sealed.length, this.opened, 0);
			long t2 = System.nanoTime();
			sealNanos += t1 - t0;
			openNanos += t2 - t1;
			bytes += this.length;
		}
		return new Speed(bytes / (sealNanos / 1e3), bytes / (openNanos / 1e3));
	}

	/**
	 * Seals and opens in turn until this thread has used {@code cpuSeconds} of CPU; returns plaintext MB/s per CPU
	 * second of one seal plus one open, which a busy machine cannot distort the way it distorts wall time.
	 */
	double sealAndOpenPerCpuSecond(double cpuSeconds) throws NoiseException {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		long start = threads.getCurrentThreadCpuTime();
		long budget = (long) (cpuSeconds * 1e9);
		long bytes = 0;
		long used;
		do {
			for (int i = 0; i < 16; i++) {
				this.sealer.encryptWithAd(null, this.plain, 0, this.length, this.sealed, 0);
				this.opener.decryptWithAd(null, this.sealed, 0, this.sealed.length, this.opened, 0);
				bytes += this.length;
			}
			used = threads.getCurrentThreadCpuTime() - start;
		} while (used < budget);
		return bytes / (used / 1e3);
	}

	/** A new pair of cipher states with fresh keys and nonces. */
	static AeadBaseline create(AeadImplementation aead) {
		try {
			return new AeadBaseline(aead);
		}
		catch (NoiseException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
