package io.librats.transport;

/** The preamble, Noise and HELLO exchange did not finish within the handshake timeout. */
public class HandshakeTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public HandshakeTimeoutException(String message) {
		super(message);
	}

}
