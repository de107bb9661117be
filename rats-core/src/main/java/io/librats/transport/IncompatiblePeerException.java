package io.librats.transport;

/** The peer speaks rats, but a version, mode or application that this node cannot talk to. */
public class IncompatiblePeerException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	public IncompatiblePeerException(String message) {
		super(message);
	}

}
