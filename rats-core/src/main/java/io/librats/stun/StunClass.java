package io.librats.stun;

/** The four STUN message classes (RFC 8489 section 5). */
public enum StunClass {
	REQUEST, INDICATION, SUCCESS_RESPONSE, ERROR_RESPONSE;

	/** The two class bits, C1 C0. */
	int bits() {
		return ordinal();
	}

	static StunClass of(int bits) {
		return values()[bits];
	}
}
