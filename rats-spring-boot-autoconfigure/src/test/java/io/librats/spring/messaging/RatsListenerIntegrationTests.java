package io.librats.spring.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.librats.RatsClient;
import io.librats.message.RemoteHandlerException;
import io.librats.metrics.RatsMetrics;
import io.librats.spring.messaging.MessagingTestApp.AuditedListener;
import io.librats.spring.messaging.MessagingTestApp.ChatAck;
import io.librats.spring.messaging.MessagingTestApp.ChatMessage;
import io.librats.spring.messaging.MessagingTestApp.Note;
import io.librats.spring.messaging.MessagingTestApp.Probe;
import io.librats.spring.messaging.MessagingTestApp.Received;
import io.librats.spring.messaging.config.RatsListenerContainer;
import io.librats.spring.messaging.config.RatsListenerEndpointRegistry;
import io.librats.transport.PeerNotConnectedException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Spring Boot applications in one JVM, each with its own node on an ephemeral loopback port; A dials B and they
 * talk through {@link RatsTemplate} and {@code @RatsListener} methods.
 */
class RatsListenerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static Path stateDirs;

	private static ConfigurableApplicationContext alice;

	private static ConfigurableApplicationContext bob;

	private static RatsTemplate template;

	private static String bobId;

	private static String aliceId;

	@BeforeAll
	static void startTwoApplications() throws IOException {
		stateDirs = Files.createTempDirectory("rats-messaging-");
		try {
			alice = start("alice");
			bob = start("bob");
			aliceId = client(alice).peerId();
			bobId = client(bob).peerId();
			assertThat(client(alice).connectToPeer("127.0.0.1", client(bob).listenPort()).join().success()).isTrue();
			await().atMost(WAIT).until(() -> client(bob).isConnected(aliceId));
			template = alice.getBean(RatsTemplate.class);
		}
		catch (RuntimeException | Error ex) {
			stopApplications();
			throw ex;
		}
	}

	private static ConfigurableApplicationContext start(String name) {
		return new SpringApplicationBuilder(MessagingTestApp.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.application.name=" + name,
					"rats.state-dir=" + stateDirs.resolve(name), "rats.port=0", "rats.listen-address=127.0.0.1")
			.run();
	}

	@AfterAll
	static void stopApplications() throws IOException {
		try {
			if (alice != null) {
				alice.close();
			}
			if (bob != null) {
				bob.close();
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(stateDirs)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	private static RatsClient client(ConfigurableApplicationContext context) {
		return context.getBean(RatsClient.class);
	}

	private static Probe probe(ConfigurableApplicationContext context) {
		return context.getBean(Probe.class);
	}

	/** Asserts that a request failed with the peer's error reply, and returns the reply's message for more checks. */
	private static ThrowableAssertAlternative<?> assertRemoteError(CompletableFuture<?> request) {
		return assertThat(request).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(RemoteHandlerException.class);
	}

	@BeforeEach
	void clearProbes() {
		Stream.of(alice, bob).map(RatsListenerIntegrationTests::probe).forEach((probe) -> {
			probe.received.clear();
			probe.failures.clear();
		});
	}

	@Test
	void recordPayloadIsBoundWithThePeerIdAndTheReturnValueIsTheReply() {
		assertThat(template.request(bobId, "chat", new ChatMessage("hi bob", 1), ChatAck.class))
			.succeedsWithin(WAIT)
			.isEqualTo(new ChatAck("hi bob", aliceId, bobId));
		Received received = probe(bob).received.poll();
		assertThat(received.payload()).isEqualTo(new ChatMessage("hi bob", 1));
		assertThat(received.from()).isEqualTo(aliceId);
		assertThat(received.thread()).startsWith("rats-handler-");
	}

	@Test
	void pojoPayloadSentToOnePeerAndBroadcast() throws InterruptedException {
		Note note = new Note();
		note.setTitle("groceries");
		note.setTags(List.of("milk", "eggs"));
		assertThat(template.send(bobId, "note", note)).succeedsWithin(WAIT);
		assertThat(template.broadcast("note", Map.of("title", "to all", "tags", List.of()))).succeedsWithin(WAIT)
			.isEqualTo(1);
		Received first = probe(bob).received.poll(10, TimeUnit.SECONDS);
		Received second = probe(bob).received.poll(10, TimeUnit.SECONDS);
		assertThat(first.from()).isEqualTo(aliceId);
		assertThat(first.payload()).isInstanceOfSatisfying(Note.class, (received) -> {
			assertThat(received.getTitle()).isEqualTo("groceries");
			assertThat(received.getTags()).containsExactly("milk", "eggs");
		});
		assertThat(second.payload()).isInstanceOfSatisfying(Note.class,
				(received) -> assertThat(received.getTitle()).isEqualTo("to all"));
	}

	@Test
	void jsonNodeStringAndBytePayloads() {
		JsonNode tree = JsonMapper.builder().build().createObjectNode().put("a", 1).put("b", 2).put("c", 3);
		assertThat(template.request(bobId, "tree", tree, Integer.class)).succeedsWithin(WAIT).isEqualTo(3);
		assertThat(template.request(bobId, "text", "shout", String.class)).succeedsWithin(WAIT).isEqualTo("SHOUT");
		// a String listener given a JSON object receives the document as text
		assertThat(template.request(bobId, "text", Map.of("k", "v"), String.class)).succeedsWithin(WAIT)
			.isEqualTo("{\"K\":\"V\"}");
		byte[] bytes = "\u0000\u0001binary\u00ff".getBytes(StandardCharsets.ISO_8859_1);
		byte[] reversed = template.request(bobId, "bytes", bytes, byte[].class).join();
		assertThat(reversed).hasSize(bytes.length).startsWith(bytes[bytes.length - 1]).endsWith(bytes[0]);
		// a JsonNode reply is the tree itself
		assertThat(template.request(bobId, "chat", new ChatMessage("tree", 0), JsonNode.class)).succeedsWithin(WAIT)
			.satisfies((reply) -> assertThat(reply.path("by").asString()).isEqualTo(bobId));
	}

	@Test
	void completableFutureReturnValueIsTheReply() {
		assertThat(template.request(bobId, "async", new ChatMessage("eventually", 0), ChatAck.class))
			.succeedsWithin(WAIT)
			.isEqualTo(new ChatAck("eventually", aliceId, "later"));
	}

	@Test
	void genericReplyTypesConvertWithParameterizedTypeReference() {
		List<ChatMessage> messages = List.of(new ChatMessage("one", 1), new ChatMessage("two", 2));
		assertThat(template.request(bobId, "list", messages, new ParameterizedTypeReference<List<ChatAck>>() {
		})).succeedsWithin(WAIT)
			.asInstanceOf(InstanceOfAssertFactories.list(ChatAck.class))
			.containsExactly(new ChatAck("one", aliceId, "list"), new ChatAck("two", aliceId, "list"));
	}

	@Test
	void messageTypeAndRawMessageParameters() {
		assertThat(template.request(bobId, "kind-a", Map.of(), String.class)).succeedsWithin(WAIT)
			.isEqualTo("kind-a:true:true");
		assertThat(template.request(bobId, "kind-b", Map.of(), String.class)).succeedsWithin(WAIT)
			.isEqualTo("kind-b:true:true");
	}

	@Test
	void returnValueOfAPlainMessageGoesBackAsReplyType() throws InterruptedException {
		assertThat(template.send(bobId, "hello", new ChatMessage("knock knock", 0))).succeedsWithin(WAIT);
		Received ack = probe(alice).received.poll(10, TimeUnit.SECONDS);
		assertThat(ack.from()).isEqualTo(bobId);
		assertThat(ack.payload()).isEqualTo(new ChatAck("knock knock", aliceId, bobId));
	}

	@Test
	void listenerExceptionGoesToTheErrorHandlerIsCountedAndTheNextMessageWorks() {
		long errorsBefore = client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS);
		assertRemoteError(template.request(bobId, "boom", new ChatMessage("fail now", 0), String.class))
			.withMessageContaining("listener for 'boom' failed");
		assertThat(probe(bob).failures).singleElement().satisfies((failure) -> {
			assertThat(failure.getMessageType()).isEqualTo("boom");
			assertThat(failure.getPeerId()).isEqualTo(aliceId);
			assertThat(failure.getListenerId()).isEqualTo(MessagingTestApp.ChatListeners.class.getName() + ".boom");
			assertThat(failure.getCause()).hasMessage("listener refused fail now");
		});
		// the error handler may answer in the listener's place
		assertThat(template.request(bobId, "boom", new ChatMessage("fail-handled", 0), String.class))
			.succeedsWithin(WAIT)
			.isEqualTo("handled fail-handled");
		// an error handler that fails itself leaves the error reply
		assertRemoteError(template.request(bobId, "boom", new ChatMessage("fail-handler-throws", 0), String.class))
			.withMessageContaining("listener for 'boom' failed");
		assertThat(client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(errorsBefore + 3);
		// neither the connection nor the listener suffered
		assertThat(template.request(bobId, "boom", new ChatMessage("fine", 0), String.class)).succeedsWithin(WAIT)
			.isEqualTo("ok fine");
		assertThat(client(alice).isConnected(bobId)).isTrue();
	}

	@Test
	void failedFutureOfAListenerIsAnErrorReply() {
		long errorsBefore = client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS);
		assertRemoteError(template.request(bobId, "async-fail", new ChatMessage("x", 0), String.class))
			.withMessageContaining("listener for 'async-fail' failed");
		assertThat(client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(errorsBefore + 1);
	}

	@Test
	void invalidPayloadIsRejectedNamingTheFieldButNotTheValue() {
		long errorsBefore = client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS);
		assertRemoteError(template.request(bobId, "chat", new ChatMessage(" ", 0), ChatAck.class))
			.withMessageContaining("invalid payload for 'chat': text must not be blank");
		assertThat(client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(errorsBefore + 1);
		assertThat(probe(bob).received).isEmpty();
		// a payload that does not bind at all is rejected the same way, without echoing it
		assertRemoteError(template.request(bobId, "chat", Map.of("text", "ok", "priority", "very-secret-high"),
				ChatAck.class))
			.withMessageContaining("invalid payload for 'chat'")
			.withMessageContaining("priority")
			.withMessageNotContaining("very-secret-high");
		assertThat(client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(errorsBefore + 2);
	}

	@Test
	void returnValueThatCannotBeWrittenIsAnErrorReply() {
		long errorsBefore = client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS);
		assertRemoteError(template.request(bobId, "unwritable", Map.of(), String.class))
			.withMessageContaining("listener for 'unwritable' failed");
		assertThat(client(bob).metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(errorsBefore + 1);
	}

	@Test
	void jsonNullForARecordIsRejected() {
		assertRemoteError(template.request(bobId, "chat", null, ChatAck.class))
			.withMessageContaining("invalid payload for 'chat'");
	}

	@Test
	void ioThreadDeliveryRunsOnTheEventLoop() {
		assertThat(template.request(bobId, "io-thread", "where", String.class)).succeedsWithin(WAIT)
			.asString()
			.startsWith("rats-io-");
	}

	@Test
	void requestTimesOutWhenTheListenerDoesNotAnswer() {
		assertThat(template.request(bobId, "silent", Map.of(), String.class, Duration.ofMillis(300)))
			.failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutException.class);
	}

	@Test
	void requestToATypeWithoutListenerFailsWithTheRemoteError() {
		assertRemoteError(template.request(bobId, "nobody-listens", Map.of(), String.class))
			.withMessageContaining("no handler for message type 'nobody-listens'");
	}

	@Test
	void requestToAnUnknownPeerFails() {
		assertThat(template.request("00".repeat(20), "chat", Map.of(), String.class)).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(PeerNotConnectedException.class);
	}

	@Test
	void aStoppedListenerContainerNoLongerReceives() {
		RatsListenerContainer text = bob.getBean(RatsListenerEndpointRegistry.class)
			.getListenerContainer(MessagingTestApp.ChatListeners.class.getName() + ".onText");
		text.stop();
		try {
			assertRemoteError(template.request(bobId, "text", "anyone?", String.class))
				.withMessageContaining("no handler for message type 'text'");
		}
		finally {
			text.start();
		}
		assertThat(template.request(bobId, "text", "back", String.class)).succeedsWithin(WAIT).isEqualTo("BACK");
	}

	@Test
	void listenerOnAnAopProxyRunsThroughItsAdvice() {
		assertThat(AopUtils.isAopProxy(bob.getBean(AuditedListener.class))).isTrue();
		int before = probe(bob).audited.get();
		assertThat(template.request(bobId, "audited", "me", String.class)).succeedsWithin(WAIT)
			.isEqualTo("audited me");
		assertThat(probe(bob).audited.get()).isEqualTo(before + 1);
	}

	@Test
	void listenerOnAScopedBeanReachesTheCurrentTarget() {
		int first = template.request(bobId, "scoped", Map.of(), Integer.class).join();
		int second = template.request(bobId, "scoped", Map.of(), Integer.class).join();
		// prototype scope behind a proxy: every call is served by a fresh target, so the listener goes through it
		assertThat(second).isGreaterThan(first);
	}

	@Test
	void listenerOnALazyBeanCreatesItOnItsFirstMessage() {
		assertThat(probe(alice).lazyCreated).isFalse();
		assertThat(client(bob).isConnected(aliceId)).isTrue();
		assertThat(bob.getBean(RatsTemplate.class).request(aliceId, "lazy", "wake up", String.class))
			.succeedsWithin(WAIT)
			.isEqualTo("lazy wake up");
		assertThat(probe(alice).lazyCreated).isTrue();
	}

}
