package io.librats.spring.messaging;

/**
 * Names of the spring-messaging headers a {@link io.librats.spring.messaging.annotation.RatsListener} method's
 * message carries, for {@code @Header(RatsMessageHeaders.PEER_ID)} or a custom argument resolver.
 */
public final class RatsMessageHeaders {

	/** The sender's peer id ({@code String}). */
	public static final String PEER_ID = "rats_peerId";

	/** The message type ({@code String}). */
	public static final String MESSAGE_TYPE = "rats_messageType";

	/** Whether the sender waits for a reply ({@code Boolean}). */
	public static final String REQUEST = "rats_request";

	/** The raw {@link io.librats.message.IncomingMessage}. */
	public static final String INCOMING_MESSAGE = "rats_incomingMessage";

	private RatsMessageHeaders() {
	}

}
