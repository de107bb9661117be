package io.librats.message;

import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * A JSON message received from a peer. If the peer sent it as a request, {@link #reply} answers it; the requester's
 * future completes with the reply.
 */
public final class IncomingMessage {

	private final String peerId;

	private final String type;

	private final JsonNode data;

	private final Replier replier;

	IncomingMessage(String peerId, String type, JsonNode data, Replier replier) {
		this.peerId = peerId;
		this.type = type;
		this.data = data;
		this.replier = replier;
	}

	/** The sender's peer id. */
	public String peerId() {
		return this.peerId;
	}

	public String type() {
		return this.type;
	}

	/** The message payload. */
	public JsonNode data() {
		return this.data;
	}

	/** Whether the sender waits for a reply. */
	public boolean isRequest() {
		return this.replier != null;
	}

	/**
	 * Answers a request with any value Jackson can write. Only the first reply counts.
	 * @throws IllegalStateException if this message is not a request
	 */
	public CompletableFuture<Void> reply(Object data) {
		return requireReplier().reply(data);
	}

	/** Answers a request with an error; the requester's future fails with {@link RemoteHandlerException}. */
	public CompletableFuture<Void> replyError(String error) {
		return requireReplier().replyError(error);
	}

	private Replier requireReplier() {
		if (this.replier == null) {
			throw new IllegalStateException("message '" + this.type + "' from " + this.peerId + " is not a request");
		}
		return this.replier;
	}

	@Override
	public String toString() {
		return "IncomingMessage[type=" + this.type + ", from=" + this.peerId + (isRequest() ? ", request" : "") + "]";
	}

	/** Sends the single reply to one request. */
	interface Replier {

		CompletableFuture<Void> reply(Object data);

		CompletableFuture<Void> replyError(String error);

	}

}
