package io.librats.transport;

/** A connection was refused after the secure handshake: peer limit, duplicate, self-connection, incompatibility. */
public class ConnectionRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final GoodbyeReason reason;

	private final boolean byRemote;

	public ConnectionRejectedException(GoodbyeReason reason, boolean byRemote, String detail) {
		super((byRemote ? "remote peer rejected the connection: " : "connection rejected: ") + reason.description()
				+ ((detail != null && !detail.isEmpty() && !detail.equals(reason.description())) ? " (" + detail + ")" : ""));
		this.reason = reason;
		this.byRemote = byRemote;
	}

	public GoodbyeReason reason() {
		return this.reason;
	}

	/** Whether the other side refused, as opposed to this node. */
	public boolean byRemote() {
		return this.byRemote;
	}

}
