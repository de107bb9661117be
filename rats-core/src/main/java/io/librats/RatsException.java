package io.librats;

/** A node could not start or perform an operation; the message says what and why. */
public class RatsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public RatsException(String message, Throwable cause) {
		super(message, cause);
	}

}
