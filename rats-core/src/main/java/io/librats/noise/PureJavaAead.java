package io.librats.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link Aead} written for this library: ChaCha20-Poly1305 exactly as RFC 8439 section 2.8 defines it, in plain
 * Java. It exists for speed where the JDK has no ChaCha20 intrinsic (JDK 17): both other implementations spend
 * about 2 µs per call on set-up alone (a fresh cipher initialisation, parameter objects, defensive copies), which
 * dominates the small messages a chat-like stream and every request/response carry, and they generate the key
 * stream a block at a time through arrays. Here the ChaCha20 state lives in locals, the key stream is XORed
 * straight into the output word by word, Poly1305 uses five 26-bit limbs with 64-bit products, and a call
 * allocates nothing.
 *
 * <p>Constant time: no branch and no array index depends on the key, the key stream or the tag; the tag is compared
 * with an OR of XORs over all 16 bytes. Opening computes the tag over the ciphertext first and writes plaintext only
 * after it verified, so {@code out} never holds unauthenticated bytes. Checked against the RFC 8439 test vectors and
 * against BouncyCastle and the JDK on random inputs ({@code PureJavaAeadTest}).
 */
final class PureJavaAead implements Aead {

	private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final int SIGMA0 = 0x61707865;

	private static final int SIGMA1 = 0x3320646e;

	private static final int SIGMA2 = 0x79622d32;

	private static final int SIGMA3 = 0x6b206574;

	private static final long M26 = 0x3ffffff;

	private static final byte[] ZEROS = new byte[32];

	/** The ChaCha20 key as eight little-endian words. */
	private final int[] key = new int[8];

	/** Nonce words of the message in progress. */
	private int n0;

	private int n1;

	private int n2;

	/** Poly1305 {@code r} (clamped, 26-bit limbs) and {@code s} of the message in progress. */
	private long r0;

	private long r1;

	private long r2;

	private long r3;

	private long r4;

	private int s0;

	private int s1;

	private int s2;

	private int s3;

	/** Poly1305 accumulator, 26-bit limbs (partially reduced between blocks). */
	private long h0;

	private long h1;

	private long h2;

	private long h3;

	private long h4;

	/** The last partial block of key stream or of MAC input; wiped after use. */
	private final byte[] tail = new byte[64];

	private final byte[] computedTag = new byte[TAG_LENGTH];

	/** Key stream block 0, the one-time Poly1305 key; wiped after use. */
	private final byte[] polyKey = new byte[32];

	@Override
	public void setKey(byte[] src, int off) {
		for (int i = 0; i < 8; i++) {
			this.key[i] = (int) LE_INT.get(src, off + 4 * i);
		}
	}

	@Override
	public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
		start(nonce, ad);
		xorKeyStream(1, in, inOff, len, out, outOff);
		macPadded(out, outOff, len);
		finish(ad, len, out, outOff + len);
		return len + TAG_LENGTH;
	}

	@Override
	public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
			throws NoiseException {
		Aead.checkOpenLength(len);
		int cipherLen = len - TAG_LENGTH;
		start(nonce, ad);
		macPadded(in, inOff, cipherLen);
		finish(ad, cipherLen, this.computedTag, 0);
		int diff = 0;
		for (int i = 0; i < TAG_LENGTH; i++) {
			diff |= this.computedTag[i] ^ in[inOff + cipherLen + i];
		}
		Arrays.fill(this.computedTag, (byte) 0);
		if (diff != 0) {
			throw Aead.badTag();
		}
		xorKeyStream(1, in, inOff, cipherLen, out, outOff);
		return cipherLen;
	}

	@Override
	public void destroy() {
		Arrays.fill(this.key, 0);
		this.r0 = this.r1 = this.r2 = this.r3 = this.r4 = 0;
		this.s0 = this.s1 = this.s2 = this.s3 = 0;
		this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
	}

	/** Sets the nonce, derives the one-time Poly1305 key from block 0 and MACs the padded associated data. */
	private void start(byte[] nonce, byte[] ad) {
		this.n0 = (int) LE_INT.get(nonce, 0);
		this.n1 = (int) LE_INT.get(nonce, 4);
		this.n2 = (int) LE_INT.get(nonce, 8);
		// The first 32 bytes of key stream block 0 are the one-time Poly1305 key (RFC 8439 section 2.6).
		byte[] polyKey = this.polyKey;
		xorKeyStream(0, ZEROS, 0, 32, polyKey, 0);
		long t0 = (int) LE_INT.get(polyKey, 0) & 0xffffffffL;
		long t1 = (int) LE_INT.get(polyKey, 4) & 0xffffffffL;
		long t2 = (int) LE_INT.get(polyKey, 8) & 0xffffffffL;
		long t3 = (int) LE_INT.get(polyKey, 12) & 0xffffffffL;
		// r is clamped as RFC 8439 section 2.5 says while being split into 26-bit limbs.
		this.r0 = t0 & 0x3ffffff;
		this.r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
		this.r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
		this.r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
		this.r4 = (t3 >>> 8) & 0x00fffff;
		this.s0 = (int) LE_INT.get(polyKey, 16);
		this.s1 = (int) LE_INT.get(polyKey, 20);
		this.s2 = (int) LE_INT.get(polyKey, 24);
		this.s3 = (int) LE_INT.get(polyKey, 28);
		Arrays.fill(polyKey, (byte) 0);
		this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
		if (ad != null) {
			macPadded(ad, 0, ad.length);
		}
	}

	/** MACs the two little-endian 64-bit lengths and writes the tag to {@code tag[off..off+16)}. */
	private void finish(byte[] ad, long cipherLen, byte[] tag, int off) {
		byte[] lengths = this.tail;
		Arrays.fill(lengths, 0, 16, (byte) 0);
		long adLen = (ad != null) ? ad.length : 0;
		LE_INT.set(lengths, 0, (int) adLen);
		LE_INT.set(lengths, 4, (int) (adLen >>> 32));
		LE_INT.set(lengths, 8, (int) cipherLen);
		LE_INT.set(lengths, 12, (int) (cipherLen >>> 32));
		polyBlocks(lengths, 0, 1);
		polyFinish(tag, off);
	}

	/** Poly1305 over {@code m[off..off+len)} zero-padded to whole 16-byte blocks, as the AEAD construction pads. */
	private void macPadded(byte[] m, int off, int len) {
		int full = len >>> 4;
		polyBlocks(m, off, full);
		int rest = len & 15;
		if (rest != 0) {
			byte[] pad = this.tail;
			System.arraycopy(m, off + (full << 4), pad, 0, rest);
			Arrays.fill(pad, rest, 16, (byte) 0);
			polyBlocks(pad, 0, 1);
			Arrays.fill(pad, 0, 16, (byte) 0);
		}
	}

	/** Poly1305 over {@code blocks} whole 16-byte blocks: h = (h + block + 2^128) * r mod 2^130 - 5. */
	private void polyBlocks(byte[] m, int off, int blocks) {
		long r0 = this.r0;
		long r1 = this.r1;
		long r2 = this.r2;
		long r3 = this.r3;
		long r4 = this.r4;
		long s1 = r1 * 5;
		long s2 = r2 * 5;
		long s3 = r3 * 5;
		long s4 = r4 * 5;
		long h0 = this.h0;
		long h1 = this.h1;
		long h2 = this.h2;
		long h3 = this.h3;
		long h4 = this.h4;
		for (int i = 0; i < blocks; i++) {
			int p = off + (i << 4);
			long t0 = (int) LE_INT.get(m, p) & 0xffffffffL;
			long t1 = (int) LE_INT.get(m, p + 4) & 0xffffffffL;
			long t2 = (int) LE_INT.get(m, p + 8) & 0xffffffffL;
			long t3 = (int) LE_INT.get(m, p + 12) & 0xffffffffL;
			h0 += t0 & M26;
			h1 += ((t0 >>> 26) | (t1 << 6)) & M26;
			h2 += ((t1 >>> 20) | (t2 << 12)) & M26;
			h3 += ((t2 >>> 14) | (t3 << 18)) & M26;
			h4 += (t3 >>> 8) | (1L << 24);
			long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
			long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
			long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
			long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
			long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
			long c = d0 >>> 26;
			h0 = d0 & M26;
			d1 += c;
			c = d1 >>> 26;
			h1 = d1 & M26;
			d2 += c;
			c = d2 >>> 26;
			h2 = d2 & M26;
			d3 += c;
			c = d3 >>> 26;
			h3 = d3 & M26;
			d4 += c;
			c = d4 >>> 26;
			h4 = d4 & M26;
			h0 += c * 5;
			c = h0 >>> 26;
			h0 &= M26;
			h1 += c;
		}
		this.h0 = h0;
		this.h1 = h1;
		this.h2 = h2;
		this.h3 = h3;
		this.h4 = h4;
	}

	/** Fully reduces h, adds s and writes the 16-byte tag. */
	private void polyFinish(byte[] tag, int off) {
		long h0 = this.h0;
		long h1 = this.h1;
		long h2 = this.h2;
		long h3 = this.h3;
		long h4 = this.h4;
		long c = h1 >>> 26;
		h1 &= M26;
		h2 += c;
		c = h2 >>> 26;
		h2 &= M26;
		h3 += c;
		c = h3 >>> 26;
		h3 &= M26;
		h4 += c;
		c = h4 >>> 26;
		h4 &= M26;
		h0 += c * 5;
		c = h0 >>> 26;
		h0 &= M26;
		h1 += c;
		// g = h + 5 - 2^130: non-negative exactly when h >= p, and then h mod p = g.
		long g0 = h0 + 5;
		c = g0 >>> 26;
		g0 &= M26;
		long g1 = h1 + c;
		c = g1 >>> 26;
		g1 &= M26;
		long g2 = h2 + c;
		c = g2 >>> 26;
		g2 &= M26;
		long g3 = h3 + c;
		c = g3 >>> 26;
		g3 &= M26;
		long g4 = h4 + c - (1L << 26);
		long keepH = g4 >> 63;
		h0 = (h0 & keepH) | (g0 & ~keepH);
		h1 = (h1 & keepH) | (g1 & ~keepH);
		h2 = (h2 & keepH) | (g2 & ~keepH);
		h3 = (h3 & keepH) | (g3 & ~keepH);
		h4 = (h4 & keepH) | (g4 & ~keepH);
		long w0 = (h0 | (h1 << 26)) & 0xffffffffL;
		long w1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
		long w2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
		long w3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;
		long f = w0 + (this.s0 & 0xffffffffL);
		LE_INT.set(tag, off, (int) f);
		f = w1 + (this.s1 & 0xffffffffL) + (f >>> 32);
		LE_INT.set(tag, off + 4, (int) f);
		f = w2 + (this.s2 & 0xffffffffL) + (f >>> 32);
		LE_INT.set(tag, off + 8, (int) f);
		f = w3 + (this.s3 & 0xffffffffL) + (f >>> 32);
		LE_INT.set(tag, off + 12, (int) f);
		this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
	}

	/**
	 * XORs {@code in} with the ChaCha20 key stream from block {@code counter} on into {@code out} (which may be the
	 * same range).
	 */
	private void xorKeyStream(int counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
		int[] k = this.key;
		int k0 = k[0];
		int k1 = k[1];
		int k2 = k[2];
		int k3 = k[3];
		int k4 = k[4];
		int k5 = k[5];
		int k6 = k[6];
		int k7 = k[7];
		int n0 = this.n0;
		int n1 = this.n1;
		int n2 = this.n2;
		int pos = 0;
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
