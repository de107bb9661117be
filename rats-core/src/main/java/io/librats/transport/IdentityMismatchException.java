package io.librats.transport;

/** A peer claimed a peer id that its authenticated Noise static key does not derive: an impersonation attempt. */
public class IdentityMismatchException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	public IdentityMismatchException(String message) {
		super(message);
	}

}
