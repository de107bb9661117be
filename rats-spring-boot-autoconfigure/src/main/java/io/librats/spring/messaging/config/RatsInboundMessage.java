package io.librats.spring.messaging.config;

import java.util.Map;

import io.librats.message.IncomingMessage;
import io.librats.spring.messaging.RatsMessageHeaders;
import org.springframework.messaging.support.GenericMessage;
import tools.jackson.databind.JsonNode;

/**
 * A rats message as spring-messaging sees it: the JSON payload and the peer, type and raw message as headers. Its
 * {@code toString} leaves the payload out, because spring-messaging puts the message into exception texts that end up
 * in logs.
 */
final class RatsInboundMessage extends GenericMessage<JsonNode> {

	private static final long serialVersionUID = 1L;

	RatsInboundMessage(IncomingMessage incoming) {
		super(incoming.data(), Map.of(RatsMessageHeaders.PEER_ID, incoming.peerId(), RatsMessageHeaders.MESSAGE_TYPE,
				incoming.type(), RatsMessageHeaders.REQUEST, incoming.isRequest(), RatsMessageHeaders.INCOMING_MESSAGE,
				incoming));
	}

	@Override
	public String toString() {
		return "RatsInboundMessage[type=" + getHeaders().get(RatsMessageHeaders.MESSAGE_TYPE) + ", from="
				+ getHeaders().get(RatsMessageHeaders.PEER_ID) + "]";
	}

}
