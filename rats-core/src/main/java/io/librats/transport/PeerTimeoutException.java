package io.librats.transport;

/** A peer sent nothing, not even a pong, for longer than the peer timeout. */
public class PeerTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PeerTimeoutException(String message) {
		super(message);
	}

}
