package io.librats;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.message.RemoteHandlerException;
import io.librats.metrics.RatsMetrics;
import io.librats.transport.Direction;
import io.librats.transport.PeerInfo;
import io.librats.transport.PeerNotConnectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real nodes on loopback TCP, IPv4 and IPv6. */
class LoopbackIntegrationTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	private static ObjectNode json(RatsClient node, String field, Object value) {
		return node.jsonMapper().createObjectNode().put(field, String.valueOf(value));
	}

	private static void connect(RatsClient from, String host, RatsClient to) {
		ConnectionAttemptResult result = from.connectToPeer(host, to.listenPort()).join();
		assertThat(result.success()).as("connect: %s", result.error()).isTrue();
		assertThat(result.peerId()).isEqualTo(to.peerId());
		assertThat(result.method()).isEqualTo(ConnectionStrategy.DIRECT);
		await().atMost(WAIT).until(() -> to.isConnected(from.peerId()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "::1" })
	void twoNodesExchangeJsonAndBinaryBothWays(String host) {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		List<String> atA = new CopyOnWriteArrayList<>();
		List<String> atB = new CopyOnWriteArrayList<>();
		a.on("chat", (msg) -> atA.add(msg.peerId() + "|" + msg.data().path("text").asString()));
		b.on("chat", (msg) -> atB.add(msg.peerId() + "|" + msg.data().path("text").asString()));
		a.onBinary((peer, bytes) -> atA.add(peer + "|bin" + bytes.length));
		b.onBinary((peer, bytes) -> atB.add(peer + "|bin" + bytes.length));

		connect(a, host, b);
		PeerInfo seenByA = a.peer(b.peerId()).orElseThrow();
		assertThat(seenByA.address().getAddress().getHostAddress()).isIn(host, "0:0:0:0:0:0:0:1");
		assertThat(seenByA.direction()).isEqualTo(Direction.OUTBOUND);
		assertThat(seenByA.encrypted()).isTrue();

		a.send(b.peerId(), "chat", json(a, "text", "from a")).join();
		b.send(a.peerId(), "chat", json(b, "text", "from b")).join();
		a.sendBinary(b.peerId(), new byte[100_000]).join();
		b.sendBinary(a.peerId(), new byte[3]).join();

		await().atMost(WAIT).until(() -> atA.size() == 2 && atB.size() == 2);
		assertThat(atB).containsExactly(a.peerId() + "|from a", a.peerId() + "|bin100000");
		assertThat(atA).containsExactly(b.peerId() + "|from b", b.peerId() + "|bin3");
		await().atMost(WAIT).until(() -> b.peer(a.peerId()).orElseThrow().messagesIn() == 2);
		assertThat(a.peer(b.peerId()).orElseThrow().messagesOut()).isEqualTo(2);
		assertThat(a.peer(b.peerId()).orElseThrow().bytesOut()).isGreaterThan(100_000);
	}

	@Test
	void nioNodeTalksToEpollNode() {
		RatsClient nio = this.nodes.start((c) -> c.nativeTransport(false));
		RatsClient native_ = this.nodes.start();
		assertThat(nio.transportName()).isEqualTo("nio");
		List<String> got = new CopyOnWriteArrayList<>();
		native_.on("x", (msg) -> got.add(msg.peerId()));
		connect(nio, "127.0.0.1", native_);
		nio.send(native_.peerId(), "x", json(nio, "k", 1)).join();
		await().atMost(WAIT).until(() -> got.size() == 1);
		assertThat(got).containsExactly(nio.peerId());
	}

	@Test
	void refusedConnectionFailsWithAClearResultAndCallback() throws Exception {
		RatsClient a = this.nodes.start();
		int closedPort;
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			closedPort = probe.getLocalPort();
		}
		List<ConnectionAttemptResult> callbacks = new CopyOnWriteArrayList<>();
		a.onConnectionAttempt(callbacks::add);

		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", closedPort).join();

		assertThat(result.success()).isFalse();
		assertThat(result.error()).contains("could not connect to 127.0.0.1:" + closedPort);
		assertThat(result.peerId()).isNull();
		assertThat(result.duration()).isPositive();
		assertThat(callbacks).containsExactly(result);
		ConnectionAttemptResult ice = a.connectToPeer("127.0.0.1", closedPort, ConnectionStrategy.ICE).join();
		assertThat(ice.success()).isFalse();
		assertThat(ice.error()).contains("not available yet");
	}

	@Test
	void messagesArriveInSendOrder() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		List<Integer> seen = new CopyOnWriteArrayList<>();
		b.on("seq", (msg) -> seen.add(msg.data().path("n").asInt()));
		connect(a, "127.0.0.1", b);
		for (int i = 0; i < 2000; i++) {
			a.send(b.peerId(), "seq", a.jsonMapper().createObjectNode().put("n", i));
		}
		await().atMost(WAIT).until(() -> seen.size() == 2000);
		for (int i = 0; i < 2000; i++) {
			assertThat(seen.get(i)).isEqualTo(i);
		}
	}

	@Test
	void broadcastReachesEveryPeerOfThree() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		RatsClient c = this.nodes.start();
		List<String> got = new CopyOnWriteArrayList<>();
		b.on("news", (msg) -> got.add("b<-" + msg.peerId()));
		c.on("news", (msg) -> got.add("c<-" + msg.peerId()));
		connect(a, "127.0.0.1", b);
		connect(a, "::1", c);
		connect(b, "127.0.0.1", c);
		assertThat(a.peerCount()).isEqualTo(2);
		assertThat(c.peerCount()).isEqualTo(2);

		int reached = a.send("news", json(a, "headline", "x")).join();

		assertThat(reached).isEqualTo(2);
		await().atMost(WAIT).until(() -> got.size() == 2);
		assertThat(got).containsExactlyInAnyOrder("b<-" + a.peerId(), "c<-" + a.peerId());
	}

	@Test
	void requestReplyTimeoutNoHandlerAndHandlerFailure() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		b.on("add", (msg) -> msg.reply(b.jsonMapper().createObjectNode()
			.put("sum", msg.data().path("x").asInt() + msg.data().path("y").asInt())));
		b.on("silent", (msg) -> { });
		b.on("broken", (msg) -> { throw new IllegalStateException("boom"); });
		connect(a, "127.0.0.1", b);

		JsonNode sum = a.request(b.peerId(), "add", a.jsonMapper().createObjectNode().put("x", 2).put("y", 3),
				WAIT).join();
		assertThat(sum.path("sum").asInt()).isEqualTo(5);

		CompletableFuture<JsonNode> silent = a.request(b.peerId(), "silent", json(a, "q", 1), Duration.ofMillis(300));
		assertThatThrownBy(silent::join).hasCauseInstanceOf(TimeoutException.class);
		assertThat(a.metrics().get(RatsMetrics.REQUESTS_TIMED_OUT)).isEqualTo(1);

		assertThatThrownBy(() -> a.request(b.peerId(), "nobody-home", json(a, "q", 1), WAIT).join())
			.hasCauseInstanceOf(RemoteHandlerException.class).hasMessageContaining("no handler");
		assertThatThrownBy(() -> a.request(b.peerId(), "broken", json(a, "q", 1), WAIT).join())
			.hasCauseInstanceOf(RemoteHandlerException.class).hasMessageContaining("failed");
		assertThat(b.metrics().get(RatsMetrics.HANDLER_ERRORS)).isEqualTo(1);
		// The failing handler did not hurt the connection.
		assertThat(a.request(b.peerId(), "add", a.jsonMapper().createObjectNode().put("x", 1).put("y", 1), WAIT)
			.join().path("sum").asInt()).isEqualTo(2);
	}

	@Test
	void pendingRequestFailsWhenPeerDisconnects() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		b.on("slow", (msg) -> { });
		connect(a, "127.0.0.1", b);
		CompletableFuture<JsonNode> pending = a.request(b.peerId(), "slow", json(a, "q", 1), Duration.ofMinutes(1));
		b.disconnectPeer(a.peerId());
		assertThatThrownBy(() -> pending.get(10, java.util.concurrent.TimeUnit.SECONDS))
			.hasCauseInstanceOf(PeerNotConnectedException.class);
	}

	@Test
	void onceRunsOnceAndOffRemoves() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		AtomicInteger onceCount = new AtomicInteger();
		AtomicInteger onCount = new AtomicInteger();
		List<String> markers = new CopyOnWriteArrayList<>();
		b.once("ping", (msg) -> onceCount.incrementAndGet());
		b.on("counted", (msg) -> onCount.incrementAndGet());
		b.on("marker", (msg) -> markers.add(msg.data().path("m").asString()));
		connect(a, "127.0.0.1", b);

		for (int i = 0; i < 5; i++) {
			a.send(b.peerId(), "ping", json(a, "i", i));
		}
		a.send(b.peerId(), "counted", json(a, "i", 1));
		a.send(b.peerId(), "marker", json(a, "m", "first")).join();
		await().atMost(WAIT).until(() -> markers.contains("first"));
		b.off("counted");
		a.send(b.peerId(), "counted", json(a, "i", 2));
		a.send(b.peerId(), "marker", json(a, "m", "second")).join();
		await().atMost(WAIT).until(() -> markers.contains("second"));

		assertThat(onceCount).hasValue(1);
		assertThat(onCount).hasValue(1);
		// The message sent after off() found no handler; pings racing the once-removal may or may not count.
		assertThat(b.metrics().get(RatsMetrics.MESSAGES_UNHANDLED)).isBetween(1L, 5L);
	}

	@Test
	void maxPeersRejectsTheExtraPeerInBothDirections() {
		RatsClient server = this.nodes.start((cfg) -> cfg.maxPeers(1));
		RatsClient first = this.nodes.start();
		RatsClient second = this.nodes.start();
		connect(first, "127.0.0.1", server);

		ConnectionAttemptResult refused = second.connectToPeer("127.0.0.1", server.listenPort()).join();

		assertThat(refused.success()).isFalse();
		assertThat(refused.error()).contains("peer limit");
		assertThat(server.peerCount()).isEqualTo(1);
		assertThat(server.metrics().get(RatsMetrics.REJECTED_PEER_LIMIT)).isEqualTo(1);
		// Outbound: a full node does not dial at all.
		ConnectionAttemptResult outbound = server.connectToPeer("127.0.0.1", second.listenPort()).join();
		assertThat(outbound.success()).isFalse();
		assertThat(outbound.error()).contains("peer limit");
		assertThat(second.peerCount()).isZero();
	}

	@Test
	void selfConnectionIsDetectedAndDropped() {
		RatsClient a = this.nodes.start();
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", a.listenPort()).join();
		assertThat(result.success()).isFalse();
		assertThat(result.error()).contains("connection to self");
		assertThat(a.peerCount()).isZero();
		assertThat(a.metrics().get(RatsMetrics.SELF_CONNECTIONS)).isGreaterThanOrEqualTo(1);
	}

	@Test
	void simultaneousConnectKeepsExactlyOneConnection() {
		long duplicatesResolved = 0;
		for (int round = 0; round < 8; round++) {
			RatsClient a = this.nodes.start();
			RatsClient b = this.nodes.start();
			List<String> events = new CopyOnWriteArrayList<>();
			a.addConnectionListener(new ConnectionListener() {
				@Override
				public void onPeerConnected(PeerInfo peer) {
					events.add("a+");
				}

				@Override
				public void onPeerDisconnected(PeerInfo peer, String reason) {
					events.add("a-");
				}
			});
			CompletableFuture<ConnectionAttemptResult> ab = a.connectToPeer("127.0.0.1", b.listenPort());
			CompletableFuture<ConnectionAttemptResult> ba = b.connectToPeer("127.0.0.1", a.listenPort());
			assertThat(ab.join().success()).as("a->b: %s", ab.join().error()).isTrue();
			assertThat(ba.join().success()).as("b->a: %s", ba.join().error()).isTrue();

			// Both sides settle on the same single connection: one dialed it, the other accepted it.
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(a.peers()).hasSize(1);
				assertThat(b.peers()).hasSize(1);
				Direction atA = a.peer(b.peerId()).orElseThrow().direction();
				Direction atB = b.peer(a.peerId()).orElseThrow().direction();
				assertThat(atA).isNotEqualTo(atB);
				RatsClient dialer = (atA == Direction.OUTBOUND) ? a : b;
				RatsClient acceptor = (dialer == a) ? b : a;
				assertThat(dialer.peer(acceptor.peerId()).orElseThrow().address().getPort())
					.isEqualTo(acceptor.listenPort());
			});
			// The kept connection carries messages, and the application saw one arrival and no departure.
			List<String> got = new CopyOnWriteArrayList<>();
			b.on("hi", (msg) -> got.add(msg.peerId()));
			a.send(b.peerId(), "hi", json(a, "x", 1)).join();
			await().atMost(WAIT).until(() -> got.size() == 1);
			assertThat(events).containsExactly("a+");
			duplicatesResolved += a.metrics().get(RatsMetrics.DUPLICATE_CONNECTIONS)
					+ b.metrics().get(RatsMetrics.DUPLICATE_CONNECTIONS);
			a.stop();
			b.stop();
		}
		// Both dials reached the handshake in (nearly) every round, so the duplicate rule really ran.
		assertThat(duplicatesResolved).isGreaterThanOrEqualTo(4);
	}

}
