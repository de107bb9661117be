package io.librats.transport;

/** A send or request named a peer that is not connected (or whose connection closed meanwhile). */
public class PeerNotConnectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PeerNotConnectedException(String message) {
		super(message);
	}

	public PeerNotConnectedException(String message, Throwable cause) {
		super(message, cause);
	}

}
