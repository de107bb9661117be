package io.librats.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives peer ids from static public keys. A peer id is the lowercase hex of the first 20 bytes of
 * SHA-256 over the 32-byte X25519 public key: 40 characters, the length librats uses. Because the Noise handshake
 * proves possession of the static key, a derived id is proven rather than claimed.
 */
public final class PeerIds {

	/** Length of a peer id in characters. */
	public static final int LENGTH = 40;

	private PeerIds() {
	}

	public static String fromPublicKey(byte[] publicKey) {
		if (publicKey == null || publicKey.length != 32) {
			throw new IllegalArgumentException("an X25519 public key has 32 bytes");
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
			return HexFormat.of().formatHex(digest, 0, LENGTH / 2);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JRE", ex);
		}
	}

	/** Whether {@code text} has the shape of a peer id (40 lowercase hex digits). */
	public static boolean isWellFormed(String text) {
		if (text == null || text.length() != LENGTH) {
			return false;
		}
		for (int i = 0; i < LENGTH; i++) {
			char c = text.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

}
