package io.librats.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Poly1305 (RFC 8439 section 2.5) as the ChaCha20-Poly1305 AEAD uses it: one one-time key per message, input
 * zero-padded to whole 16-byte blocks, then the two lengths. Five 26-bit limbs with 64-bit products, and for long
 * inputs two chains of 64-bit limbs ({@link #twoChains}); no allocation, no branch or array index that depends on the
 * key or the data (carries come from bit operations, not comparisons). Not thread-safe.
 */
final class Poly1305 {

	private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	/**
	 * Runs of at least this many blocks go through {@link #twoChains}; below it the power of r that joins the chains
	 * costs more than they save (measured: even at 512 bytes, ahead from 1 KiB).
	 */
	static final int TWO_CHAIN_BLOCKS = 32;

	private static final long M26 = 0x3ffffff;

	/** Clamped {@code r} in 26-bit limbs, and {@code s}. */
	private long r0;

	private long r1;

	private long r2;

	private long r3;

	private long r4;

	private int s0;

	private int s1;

	private int s2;

	private int s3;

	/** The accumulator, 26-bit limbs (partially reduced between blocks). */
	private long h0;

	private long h1;

	private long h2;

	private long h3;

	private long h4;

	/** A zero-padded last block or the lengths block; wiped after use. */
	private final byte[] tail = new byte[16];

	private final byte[] computedTag = new byte[16];

	/**
	 * Starts an AEAD message under the one-time key {@code key[off..off+32)} ({@code r} then {@code s}) and MACs
	 * the padded associated data, {@code null} for none.
	 */
	void init(byte[] key, int off, byte[] ad) {
		init(key, off);
		if (ad != null) {
			macPadded(ad, 0, ad.length);
		}
	}

	/** MACs the padded ciphertext {@code c[off..off+len)} and the lengths, and writes the tag to {@code tag[tagOff..)}. */
	void tag(byte[] ad, byte[] c, int off, int len, byte[] tag, int tagOff) {
		macPadded(c, off, len);
		finish((ad != null) ? ad.length : 0, len, tag, tagOff);
	}

	/**
	 * Computes the tag of the ciphertext {@code in[off..off+len)} and compares it with the 16 bytes that follow, all
	 * of them whatever they hold (an OR of XORs, no early exit).
	 *
	 * @throws NoiseException the common bad-tag failure on a mismatch
	 */
	void verify(byte[] ad, byte[] in, int off, int len) throws NoiseException {
		tag(ad, in, off, len, this.computedTag, 0);
		int diff = 0;
		for (int i = 0; i < 16; i++) {
			diff |= this.computedTag[i] ^ in[off + len + i];
		}
		Arrays.fill(this.computedTag, (byte) 0);
		if (diff != 0) {
			throw Aead.badTag();
		}
	}

	/** Starts a message under the one-time key {@code key[off..off+32)}: {@code r} then {@code s}. */
	private void init(byte[] key, int off) {
		long t0 = (int) LE_INT.get(key, off) & 0xffffffffL;
		long t1 = (int) LE_INT.get(key, off + 4) & 0xffffffffL;
		long t2 = (int) LE_INT.get(key, off + 8) & 0xffffffffL;
		long t3 = (int) LE_INT.get(key, off + 12) & 0xffffffffL;
		// r is clamped as RFC 8439 section 2.5 says while being split into 26-bit limbs.
		this.r0 = t0 & 0x3ffffff;
		this.r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
		this.r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
		this.r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
		this.r4 = (t3 >>> 8) & 0x00fffff;
		this.s0 = (int) LE_INT.get(key, off + 16);
		this.s1 = (int) LE_INT.get(key, off + 20);
		this.s2 = (int) LE_INT.get(key, off + 24);
		this.s3 = (int) LE_INT.get(key, off + 28);
		this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
	}

	/** Forgets the one-time key and the accumulator. */
	void wipe() {
		this.r0 = this.r1 = this.r2 = this.r3 = this.r4 = 0;
		this.s0 = this.s1 = this.s2 = this.s3 = 0;
		this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
	}

	/**
	 * MACs the AEAD's two little-endian 64-bit lengths, writes the tag to {@code tag[off..off+16)} and forgets the
	 * one-time key.
	 */
	private void finish(long adLen, long cipherLen, byte[] tag, int off) {
		byte[] lengths = this.tail;
		Arrays.fill(lengths, 0, 16, (byte) 0);
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
		if (blocks < TWO_CHAIN_BLOCKS) {
			hornerBlocks(m, off, blocks);
			return;
		}
		if ((blocks & 1) != 0) {
			hornerBlocks(m, off, 1);
			off += 16;
			blocks--;
		}
		twoChains(m, off, blocks >>> 1);
	}

	/**
	 * Poly1305 over {@code 2 * n} blocks as two independent Horner chains on 64-bit limbs: chain A, from the current
	 * h, over the first n blocks and chain B, from zero, over the next n; then h = A * r^n + B, which is the same
	 * polynomial. One chain of 64-bit limbs needs only 10 multiplies a block against 25 for 26-bit limbs, but its
	 * carries make it latency-bound; two chains side by side fill the gaps (JDK 17, 16 KiB: 1.6 GB/s against 1.45 for
	 * 26-bit limbs). The two steps are written out twice on purpose: only locals stay in registers, and a step in a
	 * method or over arrays was slower than the 26-bit loop.
	 */
	private void twoChains(byte[] m, int off, int n) {
		// r in 64-bit limbs; clamping leaves r1 a multiple of 4, so r1 * 2^128 = (r1 / 4) * 2^130 = 5 * r1 / 4 = s1.
		long r0 = this.r0 | (this.r1 << 26) | (this.r2 << 52);
		long r1 = (this.r2 >>> 12) | (this.r3 << 14) | (this.r4 << 40);
		long s1 = r1 + (r1 >>> 2);
		carryLimbs();
		long a0 = this.h0 | (this.h1 << 26) | (this.h2 << 52);
		long a1 = (this.h2 >>> 12) | (this.h3 << 14) | (this.h4 << 40);
		long a2 = this.h4 >>> 24;
		long b0 = 0;
		long b1 = 0;
		long b2 = 0;
		for (int pa = off, pb = off + (n << 4), end = pb; pa < end; pa += 16, pb += 16) {
			// Chain A: h += block + 2^128, then h *= r, as d0 + d1 * 2^64 + d2 * 2^128 with 2^130 = 5.
			long t0 = (long) LE_LONG.get(m, pa);
			long t1 = (long) LE_LONG.get(m, pa + 8);
			long x0 = a0 + t0;
			long c = carry(x0, t0);
			long x1 = a1 + t1;
			long x2 = a2 + 1 + carry(x1, t1);
			x1 += c;
			x2 += carry(x1, c);
			long d0 = x0 * r0;
			long d0h = mulHigh(x0, r0);
			long e = x1 * s1;
			d0 += e;
			d0h += mulHigh(x1, s1) + carry(d0, e);
			long d1 = x0 * r1;
			long d1h = mulHigh(x0, r1);
			e = x1 * r0;
			d1 += e;
			d1h += mulHigh(x1, r0) + carry(d1, e);
			e = x2 * s1;
			d1 += e;
			d1h += carry(d1, e);
			d1 += d0h;
			long d2 = x2 * r0 + d1h + carry(d1, d0h);
			e = (d2 & ~3L) + (d2 >>> 2);
			a0 = d0 + e;
			c = carry(a0, e);
			a1 = d1 + c;
			a2 = (d2 & 3) + carry(a1, c);
			// Chain B: the same step.
			t0 = (long) LE_LONG.get(m, pb);
			t1 = (long) LE_LONG.get(m, pb + 8);
			x0 = b0 + t0;
			c = carry(x0, t0);
			x1 = b1 + t1;
			x2 = b2 + 1 + carry(x1, t1);
			x1 += c;
			x2 += carry(x1, c);
			d0 = x0 * r0;
			d0h = mulHigh(x0, r0);
			e = x1 * s1;
			d0 += e;
			d0h += mulHigh(x1, s1) + carry(d0, e);
			d1 = x0 * r1;
			d1h = mulHigh(x0, r1);
			e = x1 * r0;
			d1 += e;
			d1h += mulHigh(x1, r0) + carry(d1, e);
			e = x2 * s1;
			d1 += e;
			d1h += carry(d1, e);
			d1 += d0h;
			d2 = x2 * r0 + d1h + carry(d1, d0h);
			e = (d2 & ~3L) + (d2 >>> 2);
			b0 = d0 + e;
			c = carry(b0, e);
			b1 = d1 + c;
			b2 = (d2 & 3) + carry(b1, c);
		}
		powerOfR(n);
		setMulAdd(a0 & M26, (a0 >>> 26) & M26, ((a0 >>> 52) | (a1 << 12)) & M26, (a1 >>> 14) & M26,
				(a1 >>> 40) | (a2 << 24), this.h0, this.h1, this.h2, this.h3, this.h4, b0 & M26, (b0 >>> 26) & M26,
				((b0 >>> 52) | (b1 << 12)) & M26, (b1 >>> 14) & M26, (b1 >>> 40) | (b2 << 24));
	}

	/**
	 * 1 if {@code sum = a + b} wrapped around 2^64, else 0: whether {@code sum < b} unsigned, by bit operations rather
	 * than a comparison the JIT could turn into a branch on secret data.
	 */
	private static long carry(long sum, long b) {
		return ((~sum & b) | (~(sum ^ b) & (sum - b))) >>> 63;
	}

	/** The high 64 bits of the unsigned 128-bit product of {@code a} and {@code b}, for {@code b} below 2^63. */
	private static long mulHigh(long a, long b) {
		return Math.multiplyHigh(a, b) + ((a >> 63) & b);
	}

	/** Carries h's limbs so that each is below 2^26 but the last, which gets at most the final carry. */
	private void carryLimbs() {
		long c = this.h0 >>> 26;
		this.h0 &= M26;
		this.h1 += c;
		c = this.h1 >>> 26;
		this.h1 &= M26;
		this.h2 += c;
		c = this.h2 >>> 26;
		this.h2 &= M26;
		this.h3 += c;
		c = this.h3 >>> 26;
		this.h3 &= M26;
		this.h4 += c;
	}

	/** Sets h to r^n ({@code n >= 1}), by squaring and multiplying. */
	private void powerOfR(int n) {
		long b0 = this.r0;
		long b1 = this.r1;
		long b2 = this.r2;
		long b3 = this.r3;
		long b4 = this.r4;
		this.h0 = 1;
		this.h1 = this.h2 = this.h3 = this.h4 = 0;
		while (true) {
			if ((n & 1) != 0) {
				setMulAdd(this.h0, this.h1, this.h2, this.h3, this.h4, b0, b1, b2, b3, b4, 0, 0, 0, 0, 0);
			}
			n >>>= 1;
			if (n == 0) {
				return;
			}
			long p0 = this.h0;
			long p1 = this.h1;
			long p2 = this.h2;
			long p3 = this.h3;
			long p4 = this.h4;
			setMulAdd(b0, b1, b2, b3, b4, b0, b1, b2, b3, b4, 0, 0, 0, 0, 0);
			b0 = this.h0;
			b1 = this.h1;
			b2 = this.h2;
			b3 = this.h3;
			b4 = this.h4;
			this.h0 = p0;
			this.h1 = p1;
			this.h2 = p2;
			this.h3 = p3;
			this.h4 = p4;
		}
	}

	/**
	 * Sets h to x * y + z mod 2^130 - 5, partially reduced as after a block. Limbs of 26 bits; x and z may be a few
	 * bits wider, y at most one carry wider.
	 */
	private void setMulAdd(long x0, long x1, long x2, long x3, long x4, long y0, long y1, long y2, long y3, long y4,
			long z0, long z1, long z2, long z3, long z4) {
		long v1 = y1 * 5;
		long v2 = y2 * 5;
		long v3 = y3 * 5;
		long v4 = y4 * 5;
		long d0 = x0 * y0 + x1 * v4 + x2 * v3 + x3 * v2 + x4 * v1 + z0;
		long d1 = x0 * y1 + x1 * y0 + x2 * v4 + x3 * v3 + x4 * v2 + z1;
		long d2 = x0 * y2 + x1 * y1 + x2 * y0 + x3 * v4 + x4 * v3 + z2;
		long d3 = x0 * y3 + x1 * y2 + x2 * y1 + x3 * y0 + x4 * v4 + z3;
		long d4 = x0 * y4 + x1 * y3 + x2 * y2 + x3 * y1 + x4 * y0 + z4;
		long c = d0 >>> 26;
		d0 &= M26;
		d1 += c;
		c = d1 >>> 26;
		this.h1 = d1 & M26;
		d2 += c;
		c = d2 >>> 26;
		this.h2 = d2 & M26;
		d3 += c;
		c = d3 >>> 26;
		this.h3 = d3 & M26;
		d4 += c;
		c = d4 >>> 26;
		this.h4 = d4 & M26;
		d0 += c * 5;
		this.h0 = d0 & M26;
		this.h1 += d0 >>> 26;
	}

	/** Poly1305 over {@code blocks} whole 16-byte blocks, one after another on 26-bit limbs. */
	private void hornerBlocks(byte[] m, int off, int blocks) {
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
		wipe();
	}

}
