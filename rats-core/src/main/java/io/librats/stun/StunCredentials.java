package io.librats.stun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;

/**
 * Keys for MESSAGE-INTEGRITY (RFC 8489 section 9). The short-term key is the prepared password; the long-term key is
 * {@code MD5(username ":" realm ":" password)} with realm and password prepared. Preparation follows SASLprep
 * (RFC 4013) as far as STUN needs it: characters "commonly mapped to nothing" are removed, non-ASCII spaces become
 * U+0020, the result is NFKC-normalised, and control characters are refused. Bidirectional-text checks are not made.
 */
public final class StunCredentials {

	private StunCredentials() {
	}

	/** The short-term credential key. */
	public static byte[] shortTermKey(String password) {
		return prepare(password).getBytes(StandardCharsets.UTF_8);
	}

	/** The long-term credential key (MD5, the only algorithm coturn and RFC 5389 servers use). */
	public static byte[] longTermKey(String username, String realm, String password) {
		try {
			return MessageDigest.getInstance("MD5").digest((username + ":" + prepare(realm) + ":" + prepare(password))
				.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is not available", ex);
		}
	}

	/** SASLprep as described in the class comment. */
	static String prepare(String text) {
		StringBuilder mapped = new StringBuilder(text.length());
		text.codePoints().forEach((c) -> {
			if (isMappedToNothing(c)) {
				return;
			}
			mapped.appendCodePoint(isNonAsciiSpace(c) ? ' ' : c);
		});
		String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
		normalized.codePoints().forEach((c) -> {
			if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.PRIVATE_USE
					|| Character.getType(c) == Character.SURROGATE || c == 0xFFFD) {
				throw new IllegalArgumentException("credential contains a prohibited character U+"
						+ Integer.toHexString(c).toUpperCase());
			}
		});
		return normalized;
	}

	/** RFC 3454 table B.1. */
	private static boolean isMappedToNothing(int c) {
		return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
				|| c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
	}

	/** RFC 3454 table C.1.2. */
	private static boolean isNonAsciiSpace(int c) {
		return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F
				|| c == 0x3000;
	}

}
