package io.librats.identity;

/** Thrown when the identity file exists but cannot be used; the message says which file and why. */
public class IdentityCorruptException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	public IdentityCorruptException(String message) {
		super(message);
	}

}
