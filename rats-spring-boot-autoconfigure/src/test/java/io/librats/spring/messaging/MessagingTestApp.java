package io.librats.spring.messaging;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.RatsClient;
import io.librats.message.Delivery;
import io.librats.message.IncomingMessage;
import io.librats.spring.messaging.annotation.MessageType;
import io.librats.spring.messaging.annotation.PeerId;
import io.librats.spring.messaging.annotation.RatsListener;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Scope;
import org.springframework.context.annotation.ScopedProxyMode;
import org.springframework.messaging.handler.annotation.Header;
import tools.jackson.databind.JsonNode;

/**
 * One node of the two-application tests: a full Boot application whose {@link RatsClient} is the starter's, configured
 * by the test with {@code rats.*} properties (an ephemeral loopback port, a temporary state directory).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ MessagingTestApp.ChatListeners.class, MessagingTestApp.AuditedListener.class,
		MessagingTestApp.AuditAspect.class, MessagingTestApp.ScopedListener.class, MessagingTestApp.LazyListener.class,
		MessagingTestApp.Probe.class })
class MessagingTestApp {

	@Bean
	RatsListenerErrorHandler boomHandler(Probe probe) {
		return (message, exception) -> {
			probe.failures.add(exception);
			String text = message.data().path("text").asString("");
			if (text.startsWith("fail-handler-throws")) {
				throw new IllegalStateException("the error handler gave up too");
			}
			return text.startsWith("fail-handled") ? "handled " + text : null;
		};
	}

	record ChatMessage(@NotBlank String text, int priority) {
	}

	record ChatAck(String text, String from, String by) {
	}

	/** A mutable JavaBean payload, as opposed to the records. */
	static class Note {

		private String title;

		private List<String> tags = new ArrayList<>();

		public String getTitle() {
			return this.title;
		}

		public void setTitle(String title) {
			this.title = title;
		}

		public List<String> getTags() {
			return this.tags;
		}

		public void setTags(List<String> tags) {
			this.tags = tags;
		}

	}

	/** A return value Jackson cannot write. */
	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not serialisable");
		}

	}

	record Received(Object payload, String from, String thread) {
	}

	/** What the listeners saw, per application. */
	static class Probe {

		final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

		final List<ListenerExecutionFailedException> failures = new CopyOnWriteArrayList<>();

		final AtomicInteger audited = new AtomicInteger();

		final AtomicInteger scopedInstances = new AtomicInteger();

		final AtomicBoolean lazyCreated = new AtomicBoolean();

	}

	static class ChatListeners {

		private final RatsClient client;

		private final Probe probe;

		ChatListeners(RatsClient client, Probe probe) {
			this.client = client;
			this.probe = probe;
		}

		private String thread() {
			return Thread.currentThread().getName();
		}

		@RatsListener("chat")
		ChatAck onChat(@Valid ChatMessage message, @PeerId String from) {
			this.probe.received.add(new Received(message, from, thread()));
			return new ChatAck(message.text(), from, this.client.peerId());
		}

		@RatsListener("note")
		void onNote(Note note, @PeerId String from) {
			this.probe.received.add(new Received(note, from, thread()));
		}

		@RatsListener("tree")
		int onTree(JsonNode tree) {
			return tree.size();
		}

		@RatsListener("text")
		String onText(String text) {
			return text.toUpperCase(Locale.ROOT);
		}

		@RatsListener("bytes")
		byte[] onBytes(byte[] data) {
			byte[] reversed = new byte[data.length];
			for (int i = 0; i < data.length; i++) {
				reversed[i] = data[data.length - 1 - i];
			}
			return reversed;
		}

		@RatsListener("async")
		CompletableFuture<ChatAck> onAsync(ChatMessage message, @PeerId String from) {
			return CompletableFuture.supplyAsync(() -> new ChatAck(message.text(), from, "later"),
					CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
		}

		@RatsListener("async-fail")
		CompletionStage<String> onAsyncFail(ChatMessage message) {
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("async listener gave up on " + message.text());
			});
		}

		@RatsListener(value = "boom", errorHandler = "boomHandler")
		String boom(ChatMessage message) {
			if (message.text().startsWith("fail")) {
				throw new IllegalStateException("listener refused " + message.text());
			}
			return "ok " + message.text();
		}

		@RatsListener({ "kind-a", "kind-b" })
		String kind(@MessageType String type, IncomingMessage raw, @Header(RatsMessageHeaders.PEER_ID) String from) {
			return type + ":" + raw.isRequest() + ":" + from.equals(raw.peerId());
		}

		@RatsListener(value = "hello", replyType = "hello.ack")
		ChatAck hello(ChatMessage message, @PeerId String from) {
			return new ChatAck(message.text(), from, this.client.peerId());
		}

		@RatsListener("hello.ack")
		void helloAck(ChatAck ack, @PeerId String from) {
			this.probe.received.add(new Received(ack, from, thread()));
		}

		@RatsListener("list")
		List<ChatAck> list(List<ChatMessage> messages, @PeerId String from) {
			return messages.stream().map((message) -> new ChatAck(message.text(), from, "list")).toList();
		}

		@RatsListener(value = "io-thread", delivery = Delivery.IO_THREAD)
		String onIoThread(String text) {
			return thread();
		}

		@RatsListener("unwritable")
		Unwritable unwritable() {
			return new Unwritable();
		}

		@RatsListener("silent")
		void silent(JsonNode payload) {
			// answers nothing, so a request to it times out
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@interface Audited {

	}

	@Aspect
	static class AuditAspect {

		private final Probe probe;

		AuditAspect(Probe probe) {
			this.probe = probe;
		}

		@Around("@annotation(io.librats.spring.messaging.MessagingTestApp.Audited)")
		Object audit(ProceedingJoinPoint call) throws Throwable {
			this.probe.audited.incrementAndGet();
			return call.proceed();
		}

	}

	static class AuditedListener {

		@Audited
		@RatsListener("audited")
		public String audited(String text) {
			return "audited " + text;
		}

	}

	/** A new instance for every call: the listener must go through the scoped proxy each time. */
	@Scope(scopeName = "prototype", proxyMode = ScopedProxyMode.TARGET_CLASS)
	static class ScopedListener {

		private final int number;

		ScopedListener(Probe probe) {
			this.number = probe.scopedInstances.incrementAndGet();
		}

		@RatsListener("scoped")
		public int scoped(JsonNode payload) {
			return this.number;
		}

	}

	@Lazy
	static class LazyListener {

		LazyListener(Probe probe) {
			probe.lazyCreated.set(true);
		}

		@RatsListener("lazy")
		String lazy(String text) {
			return "lazy " + text;
		}

	}

}
