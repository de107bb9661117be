package io.librats.noise;

import java.util.Set;

/**
 * The Noise cipher functions rats speaks (Noise revision 34, section 12): each names the AEAD behind {@code
 * ENCRYPT}/{@code DECRYPT} and how the 64-bit message counter becomes its 96-bit nonce. The protocol name, and so the
 * handshake hash, differs between them: two peers that disagree on the cipher never complete a handshake.
 *
 * <p>Every node speaks {@link #CHACHA_POLY}; {@link #AES_GCM} is used for a connection only when both preambles offer
 * it (see {@code docs/protocol.md}, section 2), and a node offers it only where the JVM runs AES on the CPU's own
 * instructions ({@link #hardwareAesGcm()}).
 */
public enum NoiseCipher {

	/** ChaCha20-Poly1305 (RFC 8439); the nonce is four zero bytes and the counter little-endian. */
	CHACHA_POLY("ChaChaPoly") {
		@Override
		Aead newAead(AeadImplementation chaChaPoly) {
			return chaChaPoly.newAead();
		}

		@Override
		void encodeNonce(long counter, byte[] nonce12) {
			for (int i = 0; i < 8; i++) {
				nonce12[4 + i] = (byte) (counter >>> (8 * i));
			}
		}
	},

	/**
	 * AES-256 in GCM with a 128-bit tag; the nonce is four zero bytes and the counter big-endian. The JDK's
	 * {@code AES/GCM/NoPadding}, which HotSpot compiles to AES-NI and carry-less multiply stubs (VAES and AVX-512 on
	 * CPUs that have them) on every Java release rats runs on.
	 */
	AES_GCM("AESGCM") {
		@Override
		Aead newAead(AeadImplementation chaChaPoly) {
			return JdkAead.aesGcm();
		}

		@Override
		void encodeNonce(long counter, byte[] nonce12) {
			for (int i = 0; i < 8; i++) {
				nonce12[11 - i] = (byte) (counter >>> (8 * i));
			}
		}
	};

	private final String noiseName;

	NoiseCipher(String noiseName) {
		this.noiseName = noiseName;
	}

	/** The cipher's name in Noise protocol names: {@code ChaChaPoly} or {@code AESGCM}. */
	public String noiseName() {
		return this.noiseName;
	}

	/** The full Noise protocol name of rats' handshake with this cipher, e.g. {@code Noise_XX_25519_AESGCM_SHA256}. */
	public String protocolName() {
		return "Noise_XX_25519_" + this.noiseName + "_SHA256";
	}

	/** A new AEAD of this cipher; {@code chaChaPoly} picks the implementation where there is a choice. */
	abstract Aead newAead(AeadImplementation chaChaPoly);

	/** Writes Noise's nonce for message counter {@code counter}: four zero bytes, then the counter. */
	abstract void encodeNonce(long counter, byte[] nonce12);

	/**
	 * Whether AES-GCM runs on the CPU's AES and carry-less multiply instructions in this JVM: HotSpot's {@code UseAES}
	 * (which it turns off on a CPU without AES instructions) and the CPU's {@code pclmulqdq} (x86-64) or {@code pmull}
	 * (AArch64) feature. Without them the JDK's AES is table-driven Java, slow and open to cache-timing attacks, so a
	 * node never offers it there.
	 *
	 * <p>Measured where it holds, seal+open MB/s of plaintext per CPU second at 256 B / 16 KiB on a 2-core Xeon
	 * (AVX-512, VAES) VM: on JDK 17 the JDK's AES-GCM 400 / 2,900 against 149 / 343 for the fastest ChaCha20-Poly1305
	 * there ({@link AeadImplementation#PURE_JAVA}). The benchmarks' {@code aead} command measures it on the machine at
	 * hand.
	 * @return the answer, computed once per JVM
	 */
	public static boolean hardwareAesGcm() {
		return HardwareAes.AVAILABLE;
	}

	/** Lazy holder: the probe runs once, on first use. */
	private static final class HardwareAes {

		static final boolean AVAILABLE = useAes() && carrylessMultiply();

		private static boolean carrylessMultiply() {
			Set<String> flags = Poly1305Intrinsic.cpuFlags();
			return flags.contains("pclmulqdq") || flags.contains("pmull");
		}

		private static boolean useAes() {
			return Boolean.parseBoolean(Poly1305Intrinsic.vmOption("UseAES"));
		}

	}

}
