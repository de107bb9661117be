package io.librats.message;

/** The peer answered a request with an error: no handler for the type, or its handler failed. */
public class RemoteHandlerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public RemoteHandlerException(String message) {
		super(message);
	}

}
