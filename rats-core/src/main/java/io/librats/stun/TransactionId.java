package io.librats.stun;

import java.util.Arrays;
import java.util.HexFormat;

/** A 96-bit STUN transaction id as a map key. */
public final class TransactionId {

	private final byte[] bytes;

	public TransactionId(byte[] bytes) {
		this.bytes = bytes.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TransactionId that && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return HexFormat.of().formatHex(this.bytes);
	}

}
