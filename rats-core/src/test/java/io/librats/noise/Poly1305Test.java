package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our Poly1305, as the AEAD uses it, against BouncyCastle's on inputs that take both of its paths (one Horner chain
 * below {@link Poly1305#TWO_CHAIN_BLOCKS} blocks, two chains joined by a power of r from there), with keys and data
 * at the extremes where carries run furthest, and again once the JIT has compiled it.
 */
class Poly1305Test {

	private static final int[] LENGTHS = { 0, 1, 15, 16, 17, 255, 256, 496, 511, 512, 513, 527, 528, 1000, 1024, 1040,
			4095, 4096, 16_383, 16_384, 65_519 };

	private static final int[] AD_LENGTHS = { 0, 13, 16, 100, 511, 512, 600 };

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4 })
	void agreesWithBouncyCastleAcrossLengthsKeysAndExtremeData(long seed) {
		Random random = new Random(seed);
		Poly1305 own = new Poly1305();
		for (int len : LENGTHS) {
			for (int adLen : AD_LENGTHS) {
				for (int pattern = 0; pattern < 3; pattern++) {
					byte[] key = key(random, pattern);
					byte[] ad = (adLen == 0) ? null : data(random, adLen, pattern);
					byte[] c = data(random, len, pattern);
					assertThat(tag(own, key, ad, c)).as("len %d, ad %d, pattern %d", len, adLen, pattern)
						.isEqualTo(bouncyCastleTag(key, ad, c));
				}
			}
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 5 })
	void agreesWithBouncyCastleAfterTheJitCompiledIt(long seed) {
		Random random = new Random(seed);
		Poly1305 own = new Poly1305();
		byte[] key = key(random, 0);
		byte[] warm = data(random, 2048 + 16, 0);
		byte[] out = new byte[16];
		for (int i = 0; i < 20_000; i++) {
			own.init(key, 0, null);
			own.tag(null, warm, 0, warm.length, out, 0);
		}
		for (int i = 0; i < 200; i++) {
			int pattern = i % 3;
			byte[] k = key(random, pattern);
			byte[] ad = (i % 4 == 0) ? null : data(random, random.nextInt(700), pattern);
			byte[] c = data(random, random.nextInt(20_000), pattern);
			assertThat(tag(own, k, ad, c)).isEqualTo(bouncyCastleTag(k, ad, c));
		}
	}

	/** Pattern 0 random, 1 every byte 0xff (r clamped to its largest), 2 random r with s all 0xff. */
	private static byte[] key(Random random, int pattern) {
		byte[] key = new byte[32];
		random.nextBytes(key);
		if (pattern == 1) {
			Arrays.fill(key, (byte) 0xff);
		}
		else if (pattern == 2) {
			Arrays.fill(key, 16, 32, (byte) 0xff);
		}
		return key;
	}

	/** Pattern 0 random, 1 every byte 0xff, 2 zeros. */
	private static byte[] data(Random random, int length, int pattern) {
		byte[] data = new byte[length];
		if (pattern == 0) {
			random.nextBytes(data);
		}
		else if (pattern == 1) {
			Arrays.fill(data, (byte) 0xff);
		}
		return data;
	}

	private static byte[] tag(Poly1305 own, byte[] key, byte[] ad, byte[] c) {
		byte[] tag = new byte[16];
		own.init(key, 0, ad);
		own.tag(ad, c, 0, c.length, tag, 0);
		return tag;
	}

	/** RFC 8439 section 2.8's MAC input: ad, zero pad, ciphertext, zero pad, the two 64-bit lengths. */
	private static byte[] bouncyCastleTag(byte[] key, byte[] ad, byte[] c) {
		org.bouncycastle.crypto.macs.Poly1305 mac = new org.bouncycastle.crypto.macs.Poly1305();
		mac.init(new KeyParameter(key));
		int adLen = (ad != null) ? ad.length : 0;
		if (ad != null) {
			mac.update(ad, 0, ad.length);
		}
		mac.update(new byte[16], 0, (16 - adLen % 16) % 16);
		mac.update(c, 0, c.length);
		mac.update(new byte[16], 0, (16 - c.length % 16) % 16);
		byte[] lengths = new byte[16];
		for (int i = 0; i < 8; i++) {
			lengths[i] = (byte) ((long) adLen >>> (8 * i));
			lengths[8 + i] = (byte) ((long) c.length >>> (8 * i));
		}
		mac.update(lengths, 0, 16);
		byte[] tag = new byte[16];
		mac.doFinal(tag, 0);
		return tag;
	}

}
