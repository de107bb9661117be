package io.librats.noise;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.ChaCha20ParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439 section 2.8) from the JDK's plain {@code ChaCha20} stream cipher and rats' own
 * {@link Poly1305}. From JDK 20 on HotSpot has a ChaCha20 intrinsic but, on CPUs without AVX-512, no Poly1305 one:
 * on Temurin 25 the JDK's generic {@code IntegerPolynomial1305} took a third of the I/O threads' CPU in the bulk
 * and small-message benchmarks, more than the ChaCha20 itself. This pairs the intrinsic with the cheaper MAC.
 *
 * <p>One cipher initialisation per message with the counter at 0: the first 64 bytes of key stream (block 0) give
 * the one-time Poly1305 key, the stream then continues at block 1 over the data, exactly as the AEAD construction
 * lays it out. Opening MACs the ciphertext and checks the tag before it decrypts anything into {@code out}.
 * Sealing and opening use separate ciphers; the JDK refuses to re-initialise a cipher with the key and nonce it
 * last used, which sealing keeps as a guard and opening steps around, as {@link JdkAead} explains.
 */
final class JdkChaCha20Aead implements Aead {

	private static final String TRANSFORMATION = "ChaCha20";

	private static final byte[] ZEROS = new byte[64];

	private final RawKey key = new RawKey("ChaCha20", KEY_LENGTH);

	private final Poly1305 poly = new Poly1305();

	private final byte[] block0 = new byte[64];

	private Cipher sealer;

	private Cipher opener;

	JdkChaCha20Aead() {
		// Fail at construction, not on the first message, where this JDK has no plain ChaCha20.
		this.sealer = newCipher();
		this.opener = newCipher();
	}

	@Override
	public void setKey(byte[] src, int off) {
		this.key.set(src, off);
	}

	@Override
	public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
		try {
			init(this.sealer, nonce);
		}
		catch (InvalidKeyException ex) {
			throw new IllegalStateException("refusing to encrypt twice under the same key and nonce", ex);
		}
		startMac(this.sealer, ad);
		update(this.sealer, in, inOff, len, out, outOff);
		this.poly.tag(ad, out, outOff, len, out, outOff + len);
		return len + TAG_LENGTH;
	}

	@Override
	public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
			throws NoiseException {
		Aead.checkOpenLength(len);
		int cipherLen = len - TAG_LENGTH;
		try {
			init(this.opener, nonce);
		}
		catch (InvalidKeyException sameKeyAndNonce) {
			// Opening again at the nonce of a failed attempt is legitimate: pass through another nonce first.
			byte[] other = nonce.clone();
			other[0] ^= 1;
			try {
				init(this.opener, other);
				init(this.opener, nonce);
			}
			catch (InvalidKeyException ex) {
				throw new IllegalStateException("cannot initialise " + TRANSFORMATION, ex);
			}
		}
		startMac(this.opener, ad);
		this.poly.verify(ad, in, inOff, cipherLen);
		update(this.opener, in, inOff, cipherLen, out, outOff);
		return cipherLen;
	}

	@Override
	public void destroy() {
		this.key.destroy();
		this.poly.wipe();
		// Overwrite the ciphers' private key copies with the now all-zero key.
		for (Cipher cipher : new Cipher[] { this.sealer, this.opener }) {
			try {
				init(cipher, new byte[NONCE_LENGTH]);
			}
			catch (InvalidKeyException alreadyThatKeyAndNonce) {
				// Nothing left to overwrite.
			}
		}
	}

	/** Takes key stream block 0 as the one-time Poly1305 key and MACs the padded associated data. */
	private void startMac(Cipher cipher, byte[] ad) {
		update(cipher, ZEROS, 0, ZEROS.length, this.block0, 0);
		this.poly.init(this.block0, 0, ad);
		Arrays.fill(this.block0, (byte) 0);
	}

	private void init(Cipher cipher, byte[] nonce) throws InvalidKeyException {
		try {
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new ChaCha20ParameterSpec(nonce, 0));
		}
		catch (InvalidKeyException ex) {
			throw ex;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot initialise " + TRANSFORMATION, ex);
		}
	}

	private static void update(Cipher cipher, byte[] in, int inOff, int len, byte[] out, int outOff) {
		if (len == 0) {
			return;
		}
		try {
			int written = cipher.update(in, inOff, len, out, outOff);
			if (written != len) {
				throw new IllegalStateException(TRANSFORMATION + " returned " + written + " of " + len + " bytes");
			}
		}
		catch (ShortBufferException ex) {
			throw new IllegalStateException(TRANSFORMATION + " failed", ex);
		}
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance(TRANSFORMATION);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("this JDK does not provide " + TRANSFORMATION, ex);
		}
	}

}
