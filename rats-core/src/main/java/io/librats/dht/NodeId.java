package io.librats.dht;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * A 160-bit DHT key: a node id or an infohash. Immutable; compared by XOR distance to a target with
 * {@link #closerTo(NodeId, NodeId, NodeId)}.
 */
final class NodeId implements Comparable<NodeId> {

	static final int LENGTH = 20;

	static final int BITS = 160;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final byte[] bytes;

	private final int hash;

	private NodeId(byte[] bytes) {
		this.bytes = bytes;
		this.hash = Arrays.hashCode(bytes);
	}

	/** A copy of 20 bytes; anything else is an {@link IllegalArgumentException}. */
	static NodeId of(byte[] bytes) {
		if (bytes == null || bytes.length != LENGTH) {
			throw new IllegalArgumentException("a DHT id is 20 bytes");
		}
		return new NodeId(bytes.clone());
	}

	static NodeId fromHex(String hex) {
		return of(HexFormat.of().parseHex(hex));
	}

	static NodeId random() {
		return random(RANDOM);
	}

	static NodeId random(Random random) {
		byte[] bytes = new byte[LENGTH];
		random.nextBytes(bytes);
		return new NodeId(bytes);
	}

	static NodeId sha1(byte[] data) {
		try {
			return new NodeId(MessageDigest.getInstance("SHA-1").digest(data));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is a required JDK algorithm", ex);
		}
	}

	/** A random id sharing the first {@code prefixBits} bits with {@code this}. */
	NodeId randomWithPrefix(int prefixBits, Random random) {
		byte[] out = new byte[LENGTH];
		random.nextBytes(out);
		for (int bit = 0; bit < prefixBits; bit++) {
			int mask = 0x80 >>> (bit & 7);
			out[bit >> 3] = (byte) ((out[bit >> 3] & ~mask) | (this.bytes[bit >> 3] & mask));
		}
		return new NodeId(out);
	}

	byte[] toBytes() {
		return this.bytes.clone();
	}

	/** Reads one byte without copying. */
	int byteAt(int index) {
		return this.bytes[index] & 0xff;
	}

	boolean bit(int index) {
		return (this.bytes[index >> 3] & (0x80 >>> (index & 7))) != 0;
	}

	/** Number of leading bits {@code this} and {@code other} share (160 when equal). */
	int commonPrefixLength(NodeId other) {
		for (int i = 0; i < LENGTH; i++) {
			int x = (this.bytes[i] ^ other.bytes[i]) & 0xff;
			if (x != 0) {
				return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
			}
		}
		return BITS;
	}

	/** Negative if {@code a} is closer to {@code target} than {@code b} by XOR distance, 0 if equal. */
	static int closerTo(NodeId target, NodeId a, NodeId b) {
		for (int i = 0; i < LENGTH; i++) {
			int da = (a.bytes[i] ^ target.bytes[i]) & 0xff;
			int db = (b.bytes[i] ^ target.bytes[i]) & 0xff;
			if (da != db) {
				return (da < db) ? -1 : 1;
			}
		}
		return 0;
	}

	String toHex() {
		return HexFormat.of().formatHex(this.bytes);
	}

	@Override
	public int compareTo(NodeId other) {
		return Arrays.compareUnsigned(this.bytes, other.bytes);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof NodeId id && Arrays.equals(this.bytes, id.bytes);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return toHex();
	}

}
