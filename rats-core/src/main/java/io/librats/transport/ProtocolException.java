package io.librats.transport;

/** The remote peer broke the rats wire protocol; the connection is closed and the event counted. */
public class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ProtocolException(String message) {
		super(message);
	}

}
