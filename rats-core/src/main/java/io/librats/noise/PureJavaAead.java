package io.librats.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link Aead} written for this library: ChaCha20-Poly1305 exactly as RFC 8439 section 2.8 defines it, in plain
 * Java. It exists for speed where the JDK has no ChaCha20 intrinsic (JDK 17): there the JDK cipher and
 * BouncyCastle pay a costly set-up per call (a fresh cipher initialisation, parameter objects, defensive copies),
 * which weighs on the small messages of a chat-like stream and on every request/response, and they generate the
 * key stream a block at a time through arrays. Here every whole 4 KiB of a message goes through
 * {@link ChaCha20Lanes}, which the JIT vectorises; for the rest the ChaCha20 state lives in locals, the key stream
 * is XORed straight into the output word by word, {@link Poly1305} uses five 26-bit limbs with 64-bit products, and a call
 * allocates nothing.
 *
 * <p>Constant time: no branch and no array index depends on the key, the key stream or the tag; the tag is compared
 * with an OR of XORs over all 16 bytes. Opening computes the tag over the ciphertext first and writes plaintext only
 * after it verified, so {@code out} never holds unauthenticated bytes. Checked against the RFC 8439 test vectors and
 * against BouncyCastle on seeded random inputs ({@code AeadTest}).
 */
final class PureJavaAead implements Aead {

	private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final int SIGMA0 = 0x61707865;

	private static final int SIGMA1 = 0x3320646e;

	private static final int SIGMA2 = 0x79622d32;

	private static final int SIGMA3 = 0x6b206574;

	private static final byte[] ZEROS = new byte[32];

	/**
	 * The ChaCha20 input block, as RFC 8439 section 2.3 lays it out: constants, the key as eight little-endian words,
	 * the block counter (set per call, for {@link ChaCha20Lanes}), the nonce of the message in progress.
	 */
	private final int[] input = { SIGMA0, SIGMA1, SIGMA2, SIGMA3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	private final Poly1305 poly = new Poly1305();

	/** Key stream block 0, the one-time Poly1305 key; wiped after use. */
	private final byte[] polyKey = new byte[32];

	/** The last partial block of key stream; wiped after use. */
	private final byte[] tail = new byte[64];

	@Override
	public void setKey(byte[] src, int off) {
		for (int i = 0; i < 8; i++) {
			this.input[4 + i] = (int) LE_INT.get(src, off + 4 * i);
		}
	}

	@Override
	public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
		start(nonce, ad);
		xorKeyStream(1, in, inOff, len, out, outOff);
		this.poly.tag(ad, out, outOff, len, out, outOff + len);
		return len + TAG_LENGTH;
	}

	@Override
	public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
			throws NoiseException {
		Aead.checkOpenLength(len);
		int cipherLen = len - TAG_LENGTH;
		start(nonce, ad);
		this.poly.verify(ad, in, inOff, cipherLen);
		xorKeyStream(1, in, inOff, cipherLen, out, outOff);
		return cipherLen;
	}

	@Override
	public void destroy() {
		Arrays.fill(this.input, 4, 16, 0);
		this.poly.wipe();
	}

	/** Sets the nonce, starts Poly1305 under the key from block 0 and MACs the padded associated data. */
	private void start(byte[] nonce, byte[] ad) {
		this.input[13] = (int) LE_INT.get(nonce, 0);
		this.input[14] = (int) LE_INT.get(nonce, 4);
		this.input[15] = (int) LE_INT.get(nonce, 8);
		// The first 32 bytes of key stream block 0 are the one-time Poly1305 key (RFC 8439 section 2.6).
		xorKeyStream(0, ZEROS, 0, 32, this.polyKey, 0);
		this.poly.init(this.polyKey, 0, ad);
		Arrays.fill(this.polyKey, (byte) 0);
	}

	/**
	 * XORs {@code in} with the ChaCha20 key stream from block {@code counter} on into {@code out} (which may be the
	 * same range): whole chunks through {@link ChaCha20Lanes}, the rest a block at a time here.
	 */
	private void xorKeyStream(int counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
		int pos = 0;
		if (len >= ChaCha20Lanes.CHUNK) {
			this.input[12] = counter;
			pos = ChaCha20Lanes.xorChunks(this.input, in, inOff, len, out, outOff);
			counter += pos / 64;
		}
		int[] k = this.input;
		int k0 = k[4];
		int k1 = k[5];
		int k2 = k[6];
		int k3 = k[7];
		int k4 = k[8];
		int k5 = k[9];
		int k6 = k[10];
		int k7 = k[11];
		int n0 = k[13];
		int n1 = k[14];
		int n2 = k[15];
		while (pos < len) {
			int x0 = SIGMA0;
			int x1 = SIGMA1;
			int x2 = SIGMA2;
			int x3 = SIGMA3;
			int x4 = k0;
			int x5 = k1;
			int x6 = k2;
			int x7 = k3;
			int x8 = k4;
			int x9 = k5;
			int x10 = k6;
			int x11 = k7;
			int x12 = counter;
			int x13 = n0;
			int x14 = n1;
			int x15 = n2;
			for (int round = 0; round < 10; round++) {
				x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16);
				x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
				x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);
				x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
				x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16);
				x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
				x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);
				x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
				x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16);
				x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
				x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);
				x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
				x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16);
				x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
				x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);
				x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
				x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16);
				x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
				x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);
				x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
				x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16);
				x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
				x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);
				x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
				x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16);
				x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
				x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);
				x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
				x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16);
				x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
				x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);
				x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
			}
			x0 += SIGMA0;
			x1 += SIGMA1;
			x2 += SIGMA2;
			x3 += SIGMA3;
			x4 += k0;
			x5 += k1;
			x6 += k2;
			x7 += k3;
			x8 += k4;
			x9 += k5;
			x10 += k6;
			x11 += k7;
			x12 += counter;
			x13 += n0;
			x14 += n1;
			x15 += n2;
			int i = inOff + pos;
			int o = outOff + pos;
			if (len - pos >= 64) {
				LE_INT.set(out, o, x0 ^ (int) LE_INT.get(in, i));
				LE_INT.set(out, o + 4, x1 ^ (int) LE_INT.get(in, i + 4));
				LE_INT.set(out, o + 8, x2 ^ (int) LE_INT.get(in, i + 8));
				LE_INT.set(out, o + 12, x3 ^ (int) LE_INT.get(in, i + 12));
				LE_INT.set(out, o + 16, x4 ^ (int) LE_INT.get(in, i + 16));
				LE_INT.set(out, o + 20, x5 ^ (int) LE_INT.get(in, i + 20));
				LE_INT.set(out, o + 24, x6 ^ (int) LE_INT.get(in, i + 24));
				LE_INT.set(out, o + 28, x7 ^ (int) LE_INT.get(in, i + 28));
				LE_INT.set(out, o + 32, x8 ^ (int) LE_INT.get(in, i + 32));
				LE_INT.set(out, o + 36, x9 ^ (int) LE_INT.get(in, i + 36));
				LE_INT.set(out, o + 40, x10 ^ (int) LE_INT.get(in, i + 40));
				LE_INT.set(out, o + 44, x11 ^ (int) LE_INT.get(in, i + 44));
				LE_INT.set(out, o + 48, x12 ^ (int) LE_INT.get(in, i + 48));
				LE_INT.set(out, o + 52, x13 ^ (int) LE_INT.get(in, i + 52));
				LE_INT.set(out, o + 56, x14 ^ (int) LE_INT.get(in, i + 56));
				LE_INT.set(out, o + 60, x15 ^ (int) LE_INT.get(in, i + 60));
				pos += 64;
			}
			else {
				byte[] ks = this.tail;
				LE_INT.set(ks, 0, x0);
				LE_INT.set(ks, 4, x1);
				LE_INT.set(ks, 8, x2);
				LE_INT.set(ks, 12, x3);
				LE_INT.set(ks, 16, x4);
				LE_INT.set(ks, 20, x5);
				LE_INT.set(ks, 24, x6);
				LE_INT.set(ks, 28, x7);
				LE_INT.set(ks, 32, x8);
				LE_INT.set(ks, 36, x9);
				LE_INT.set(ks, 40, x10);
				LE_INT.set(ks, 44, x11);
				LE_INT.set(ks, 48, x12);
				LE_INT.set(ks, 52, x13);
				LE_INT.set(ks, 56, x14);
				LE_INT.set(ks, 60, x15);
				int rest = len - pos;
				for (int b = 0; b < rest; b++) {
					out[o + b] = (byte) (in[i + b] ^ ks[b]);
				}
				Arrays.fill(ks, (byte) 0);
				pos = len;
			}
			counter++;
		}
	}

}
