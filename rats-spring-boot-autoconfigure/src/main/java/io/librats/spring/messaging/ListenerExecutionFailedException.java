package io.librats.spring.messaging;

/**
 * A {@link io.librats.spring.messaging.annotation.RatsListener} method failed on one message. The message says which
 * listener, message type and peer, never the payload; the cause is what the listener (or the payload conversion or
 * validation before it) threw.
 */
public class ListenerExecutionFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String listenerId;

	private final String messageType;

	private final String peerId;

	public ListenerExecutionFailedException(String listenerId, String messageType, String peerId, Throwable cause) {
		super("Listener '" + listenerId + "' failed on message '" + messageType + "' from peer " + peerId, cause);
		this.listenerId = listenerId;
		this.messageType = messageType;
		this.peerId = peerId;
	}

	public String getListenerId() {
		return this.listenerId;
	}

	public String getMessageType() {
		return this.messageType;
	}

	public String getPeerId() {
		return this.peerId;
	}

}
