package io.librats.sample.chat;

import java.time.Instant;
import java.util.Map;

import io.librats.RatsClient;
import io.librats.spring.event.PeerConnectedEvent;
import io.librats.spring.event.PeerDisconnectedEvent;
import io.librats.spring.messaging.RatsTemplate;
import io.librats.spring.messaging.annotation.PeerId;
import io.librats.spring.messaging.annotation.RatsListener;
import jakarta.validation.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The node's side of the chat protocol: {@code chat} lines from peers, and {@code whois} to learn nicknames. */
@Component
class ChatListeners {

	private static final Logger logger = LoggerFactory.getLogger(ChatListeners.class);

	private final ChatRoom room;

	private final RatsTemplate rats;

	private final RatsClient client;

	private final String nickname;

	ChatListeners(ChatRoom room, RatsTemplate rats, RatsClient client, Nickname nickname) {
		this.room = room;
		this.rats = rats;
		this.client = client;
		this.nickname = nickname.value();
	}

	@RatsListener("chat")
	void onChat(@Valid ChatMessage message, @PeerId String from) {
		this.room.add(new ChatLine(message.id(), from, message.nickname(), message.text(), Instant.now()));
	}

	/** Answered with a reply: the return value goes back to the asking peer. */
	@RatsListener("whois")
	NodeCard whois(@PeerId String from) {
		return new NodeCard(this.nickname, this.client.peerCount());
	}

	@EventListener
	void peerConnected(PeerConnectedEvent event) {
		String peerId = event.getPeer().peerId();
		this.room.peersChanged();
		this.rats.request(peerId, "whois", Map.of(), NodeCard.class).whenComplete((card, ex) -> {
			if (card != null) {
				this.room.nickname(peerId, card.nickname());
			}
			else {
				logger.debug("Peer {} did not say who it is: {}", peerId, ex.getMessage());
			}
		});
	}

	@EventListener
	void peerDisconnected(PeerDisconnectedEvent event) {
		this.room.forget(event.getPeer().peerId());
		this.room.peersChanged();
	}

}
