package io.librats.stun;

/** A STUN transaction got no response within its schedule. */
public final class StunTimeoutException extends StunException {

	private static final long serialVersionUID = 1L;

	public StunTimeoutException(String message) {
		super(message);
	}

}
