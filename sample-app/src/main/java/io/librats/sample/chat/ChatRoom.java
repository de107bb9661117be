package io.librats.sample.chat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What the node's pages see: the last lines of the chat, the nicknames peers told us, and the open pages that get
 * each new line as a server-sent event. Everything is bounded.
 */
@Component
public class ChatRoom {

	/** Pages listening at once; a page beyond this gets an error and falls back to its history on reload. */
	static final int MAX_SUBSCRIBERS = 64;

	private static final Duration SUBSCRIPTION_TIMEOUT = Duration.ofMinutes(30);

	private final int historySize;

	private final Deque<ChatLine> history = new ArrayDeque<>();

	private final Map<String, String> nicknames = new ConcurrentHashMap<>();

	private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();

	public ChatRoom(SampleProperties properties) {
		this.historySize = properties.historySize();
	}

	/** Records a line and pushes it to every open page. */
	public void add(ChatLine line) {
		synchronized (this.history) {
			if (this.history.size() == this.historySize) {
				this.history.removeFirst();
			}
			this.history.addLast(line);
		}
		publish("chat", line);
	}

	public List<ChatLine> history() {
		synchronized (this.history) {
			return List.copyOf(this.history);
		}
	}

	/** Tells open pages that the peer list changed. */
	public void peersChanged() {
		publish("peers", Map.of("at", Instant.now().toString()));
	}

	public void nickname(String peerId, String nickname) {
		this.nicknames.put(peerId, nickname);
		peersChanged();
	}

	public void forget(String peerId) {
		this.nicknames.remove(peerId);
	}

	public String nicknameOf(String peerId) {
		return this.nicknames.get(peerId);
	}

	public SseEmitter subscribe() {
		SseEmitter emitter = new SseEmitter(SUBSCRIPTION_TIMEOUT.toMillis());
		if (this.subscribers.size() >= MAX_SUBSCRIBERS) {
			emitter.completeWithError(new IllegalStateException("too many open pages"));
			return emitter;
		}
		this.subscribers.add(emitter);
		emitter.onCompletion(() -> this.subscribers.remove(emitter));
		emitter.onTimeout(() -> this.subscribers.remove(emitter));
		emitter.onError((ex) -> this.subscribers.remove(emitter));
		return emitter;
	}

	/**
	 * Ends every open event stream as soon as the application starts closing: the web server's graceful shutdown
	 * would otherwise wait for these never-ending requests until its phase times out.
	 */
	@EventListener(ContextClosedEvent.class)
	public void closeStreams() {
		for (SseEmitter emitter : this.subscribers) {
			emitter.complete();
		}
		this.subscribers.clear();
	}

	private void publish(String event, Object data) {
		for (SseEmitter emitter : this.subscribers) {
			try {
				emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
			}
			catch (IOException | IllegalStateException ex) {
				// the page went away
				this.subscribers.remove(emitter);
			}
		}
	}

}
