package io.librats.stun;

/**
 * A STUN or TURN message that cannot be accepted: malformed bytes, a failed integrity or fingerprint check, an unknown
 * comprehension-required attribute, or an error response. The message never contains key material.
 */
public class StunException extends Exception {

	private static final long serialVersionUID = 1L;

	public StunException(String message) {
		super(message);
	}

	public StunException(String message, Throwable cause) {
		super(message, cause);
	}

}
