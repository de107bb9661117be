package io.librats.noise;

/**
 * One key, two implementations: messages shorter than a threshold go to one, the rest to the other. Both produce
 * the same bytes (RFC 8439), so which one handled a message cannot be seen on the wire; what differs is the cost,
 * which for some pairs crosses over with the message size (a fixed set-up cost against a faster loop).
 */
final class SizeSplitAead implements Aead {

	private final Aead small;

	private final Aead large;

	private final int threshold;

	/**
	 * @param small handles plaintexts (and ciphertexts without their tag) shorter than {@code threshold} bytes
	 * @param large handles the rest
	 */
	SizeSplitAead(Aead small, Aead large, int threshold) {
		this.small = small;
		this.large = large;
		this.threshold = threshold;
	}

	@Override
	public void setKey(byte[] key, int off) {
		this.small.setKey(key, off);
		this.large.setKey(key, off);
	}

	@Override
	public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
		return forLength(len).seal(nonce, ad, in, inOff, len, out, outOff);
	}

	@Override
	public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
			throws NoiseException {
		return forLength(len - TAG_LENGTH).open(nonce, ad, in, inOff, len, out, outOff);
	}

	@Override
	public void destroy() {
		this.small.destroy();
		this.large.destroy();
	}

	private Aead forLength(int plaintextLength) {
		return (plaintextLength < this.threshold) ? this.small : this.large;
	}

}
