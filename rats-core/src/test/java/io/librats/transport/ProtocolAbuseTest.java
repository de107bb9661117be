package io.librats.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.config.RatsConfig;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.NoiseKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile clients on raw sockets against a real node on 127.0.0.1. Each abuse must end with the node closing the
 * socket, the matching counter incremented, and the node still serving a well-behaved peer afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolAbuseTest {

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private final TestNodes nodes = new TestNodes();

	private final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void cleanUp() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.nodes.close();
	}

	private RatsClient node(UnaryOperator<RatsConfig.Builder> customizer) {
		return this.nodes.start((b) -> customizer.apply(b.listenAddress("127.0.0.1")));
	}

	private RatsClient node() {
		return node(UnaryOperator.identity());
	}

	private Socket rawSocket(int port) throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
		socket.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
		return socket;
	}

	private static void send(Socket socket, byte[]... parts) throws IOException {
		for (byte[] part : parts) {
			socket.getOutputStream().write(part);
		}
		socket.getOutputStream().flush();
	}

	private static byte[] lengthPrefixed(byte[] message) {
		byte[] framed = new byte[2 + message.length];
		framed[0] = (byte) (message.length >>> 8);
		framed[1] = (byte) message.length;
		System.arraycopy(message, 0, framed, 2, message.length);
		return framed;
	}

	private static byte[] random(long seed, int length) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/** The node closed the socket after sending exactly its own preamble (no GOODBYE before the handshake). */
	private static void assertClosedAfterPreambleOnly(Socket socket) throws IOException {
		RawNoiseClient.Drained drained = RawNoiseClient.drainUntilClosed(socket);
		assertThat(drained.closedByPeer()).as("node closed the socket").isTrue();
		assertThat(drained.received()).containsExactly(RawNoiseClient.nodePreambleBytes());
	}

	private static void awaitMetric(RatsClient node, String name, long expected) {
		await().atMost(AWAIT).untilAsserted(() -> assertThat(node.metrics().get(name)).as(name).isEqualTo(expected));
	}

	private static void awaitMetricAtLeast(RatsClient node, String name, long expected) {
		await().atMost(AWAIT).untilAsserted(
				() -> assertThat(node.metrics().get(name)).as(name).isGreaterThanOrEqualTo(expected));
	}

	/** A fresh well-behaved node can still connect to {@code node} and get a message through. */
	private void assertStillServesPeers(RatsClient node) {
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		node.on("health", (msg) -> received.add(msg.peerId() + ":" + msg.data().path("n").asInt()));
		RatsClient peer = node(UnaryOperator.identity());
		await().atMost(AWAIT).untilAsserted(() -> {
			ConnectionAttemptResult result = peer.connectToPeer("127.0.0.1", node.listenPort())
				.get(10, TimeUnit.SECONDS);
			assertThat(result.success()).as(String.valueOf(result.error())).isTrue();
		});
		peer.send(node.peerId(), "health", peer.jsonMapper().createObjectNode().put("n", 42)).join();
		await().atMost(AWAIT).until(() -> received.contains(peer.peerId() + ":42"));
		assertThat(node.isRunning()).isTrue();
	}

	// --- before and during the Noise handshake ------------------------------------------------------------------

	@Test
	void garbageBeforeTheHandshakeIsNotARatsPeer() throws Exception {
		RatsClient node = node();
		Socket socket = rawSocket(node.listenPort());
		send(socket, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		assertClosedAfterPreambleOnly(socket);
		awaitMetricAtLeast(node, RatsMetrics.MALFORMED_FRAMES, 1);
		assertThat(node.metrics().get(RatsMetrics.HANDSHAKE_FAILED)).isZero();
		assertThat(node.peerCount()).isZero();
		assertStillServesPeers(node);
		// One offending connection, one count (and one WARN line): the bytes behind the bad magic must not be
		// decoded again as a second preamble when the channel goes inactive.
		assertThat(node.metrics().get(RatsMetrics.MALFORMED_FRAMES))
			.as("frames.malformed for ONE connection with a bad preamble").isEqualTo(1);
	}

	@Test
	void validPreambleThenAShortGarbageNoiseMessageFailsTheHandshake() throws Exception {
		RatsClient node = node();
		Socket socket = rawSocket(node.listenPort());
		send(socket, RawNoiseClient.preambleBytes(true), new byte[] { 0, 5, 1, 2, 3, 4, 5 });
		assertClosedAfterPreambleOnly(socket);
		awaitMetric(node, RatsMetrics.HANDSHAKE_FAILED, 1);
		assertThat(node.metrics().get(RatsMetrics.MALFORMED_FRAMES)).isZero();
		assertStillServesPeers(node);
	}

	@Test
	void validPreambleThenGarbageThirdNoiseMessageFailsAuthentication() throws Exception {
		RatsClient node = node();
		Socket socket = rawSocket(node.listenPort());
		// Any 32 bytes pass as an ephemeral key; the third message, random bytes, cannot authenticate.
		send(socket, RawNoiseClient.preambleBytes(true), lengthPrefixed(random(1, 32)), lengthPrefixed(random(2, 64)));
		RawNoiseClient.Drained drained = RawNoiseClient.drainUntilClosed(socket);
		assertThat(drained.closedByPeer()).isTrue();
		// Our preamble, then the node's second handshake message (2 + 32 + 48 + 16 bytes), then nothing.
		assertThat(drained.received()).hasSize(8 + 2 + 96);
		awaitMetric(node, RatsMetrics.HANDSHAKE_FAILED, 1);
		assertStillServesPeers(node);
	}

	/**
	 * One failed handshake is one failure: bytes that arrived behind the failing message must not be fed to the dead
	 * handshake when the channel closes, which fails it again ("handshake already failed") and counts it twice.
	 */
	@Test
	void bytesBehindAFailedHandshakeMessageAreNotCountedAgain() throws Exception {
		RatsClient node = node();
		Socket socket = rawSocket(node.listenPort());
		send(socket, RawNoiseClient.preambleBytes(true), lengthPrefixed(random(5, 32)), lengthPrefixed(random(6, 64)),
				lengthPrefixed(random(7, 40)));
		assertThat(RawNoiseClient.drainUntilClosed(socket).closedByPeer()).isTrue();
		awaitMetricAtLeast(node, RatsMetrics.HANDSHAKE_FAILED, 1);
		assertStillServesPeers(node);
		assertThat(node.metrics().get(RatsMetrics.HANDSHAKE_FAILED))
			.as("handshake.failed for ONE connection whose third handshake message was garbage").isEqualTo(1);
	}

	@Test
	void lowOrderEphemeralKeyFailsTheHandshake() throws Exception {
		RatsClient node = node();
		Socket socket = rawSocket(node.listenPort());
		send(socket, RawNoiseClient.preambleBytes(true), lengthPrefixed(new byte[32]));
		assertClosedAfterPreambleOnly(socket);
		awaitMetric(node, RatsMetrics.HANDSHAKE_FAILED, 1);
		assertStillServesPeers(node);
	}

	@Test
	void hugeNoiseLengthThenCloseReleasesTheHandshakeSlot() throws Exception {
		// One handshake slot only: the node can serve the health check afterwards only if the slot was freed.
		RatsClient node = node((b) -> b.maxPendingHandshakes(1));
		Socket socket = rawSocket(node.listenPort());
		send(socket, RawNoiseClient.preambleBytes(true), new byte[] { (byte) 0xff, (byte) 0xff }, random(3, 1000));
		byte[] preamble = socket.getInputStream().readNBytes(8);
		assertThat(preamble).containsExactly(RawNoiseClient.nodePreambleBytes());
		socket.shutdownOutput();
		RawNoiseClient.Drained drained = RawNoiseClient.drainUntilClosed(socket);
		assertThat(drained.closedByPeer()).as("node closed its side after our FIN").isTrue();
		assertThat(drained.received()).isEmpty();
		assertStillServesPeers(node);
		Map<String, Long> metrics = node.metrics().snapshot();
		assertThat(metrics.getOrDefault(RatsMetrics.HANDSHAKE_FAILED, 0L)).isZero();
		assertThat(metrics.getOrDefault(RatsMetrics.MALFORMED_FRAMES, 0L)).isZero();
		assertThat(metrics.getOrDefault(RatsMetrics.REJECTED_HANDSHAKE_LIMIT, 0L)).isZero();
	}

	@Test
	void hugeNoiseLengthThatNeverCompletesHitsTheHandshakeTimeout() throws Exception {
		RatsClient node = node((b) -> b.handshakeTimeout(Duration.ofMillis(500)));
		Socket socket = rawSocket(node.listenPort());
		send(socket, RawNoiseClient.preambleBytes(true), new byte[] { (byte) 0xff, (byte) 0xff }, random(4, 1000));
		assertClosedAfterPreambleOnly(socket);
		awaitMetric(node, RatsMetrics.HANDSHAKE_TIMEOUT, 1);
		assertStillServesPeers(node);
	}

	@Test
	void silentClientIsCutOffByTheHandshakeTimeout() throws Exception {
		RatsClient node = node((b) -> b.handshakeTimeout(Duration.ofMillis(500)));
		long start = System.nanoTime();
		Socket socket = rawSocket(node.listenPort());
		assertClosedAfterPreambleOnly(socket);
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(elapsedMillis).as("closed by the deadline, not earlier").isBetween(400L, 4000L);
		awaitMetric(node, RatsMetrics.HANDSHAKE_TIMEOUT, 1);
		assertThat(node.metrics().get(RatsMetrics.HANDSHAKE_FAILED)).isZero();
		assertStillServesPeers(node);
	}

	@Test
	void floodBeyondMaxPendingHandshakesIsRefusedCheaply() throws Exception {
		int slots = 4;
		int flood = 40;
		RatsClient node = node((b) -> b.maxPendingHandshakes(slots).handshakeTimeout(Duration.ofSeconds(20)));
		List<Socket> flooders = new ArrayList<>();
		for (int i = 0; i < flood; i++) {
			flooders.add(rawSocket(node.listenPort()));
		}
		int greeted = 0;
		int refused = 0;
		for (Socket socket : flooders) {
			byte[] first = socket.getInputStream().readNBytes(8);
			if (first.length == 8) {
				assertThat(first).containsExactly(RawNoiseClient.nodePreambleBytes());
				greeted++;
			}
			else {
				// Refused before any byte was written: no preamble, no crypto.
				assertThat(first).isEmpty();
				refused++;
			}
		}
		assertThat(greeted).isEqualTo(slots);
		assertThat(refused).isEqualTo(flood - slots);
		awaitMetric(node, RatsMetrics.REJECTED_HANDSHAKE_LIMIT, flood - slots);
		// The half-open flooders hold every slot; once they go, the node serves peers again.
		for (Socket socket : flooders) {
			socket.close();
		}
		assertStillServesPeers(node);
		assertThat(node.metrics().get(RatsMetrics.HANDSHAKE_TIMEOUT)).isZero();
	}

	// --- encrypted vs unencrypted -------------------------------------------------------------------------------

	@Test
	void unencryptedNodeDialingAnEncryptedOneFailsClearlyOnBothSides() {
		RatsClient encrypted = node();
		RatsClient plaintext = node((b) -> b.encryption(false));
		ConnectionAttemptResult result = plaintext.connectToPeer("127.0.0.1", encrypted.listenPort()).join();
		assertThat(result.success()).isFalse();
		assertThat(result.error()).isEqualTo("peer requires encryption; this node has encryption disabled");
		awaitMetric(plaintext, RatsMetrics.INCOMPATIBLE_PEERS, 1);
		awaitMetric(encrypted, RatsMetrics.INCOMPATIBLE_PEERS, 1);
		assertThat(plaintext.peerCount()).isZero();
		assertThat(encrypted.peerCount()).isZero();
		assertStillServesPeers(encrypted);
	}

	@Test
	void encryptedNodeDialingAnUnencryptedOneFailsClearlyOnBothSides() {
		RatsClient encrypted = node();
		RatsClient plaintext = node((b) -> b.encryption(false));
		ConnectionAttemptResult result = encrypted.connectToPeer("127.0.0.1", plaintext.listenPort()).join();
		assertThat(result.success()).isFalse();
		assertThat(result.error()).isEqualTo("peer has encryption disabled; this node requires encryption");
		awaitMetric(encrypted, RatsMetrics.INCOMPATIBLE_PEERS, 1);
		awaitMetric(plaintext, RatsMetrics.INCOMPATIBLE_PEERS, 1);
		assertThat(plaintext.peerCount()).isZero();
		assertThat(encrypted.peerCount()).isZero();
	}

	// --- after the Noise handshake, with a raw Noise client -----------------------------------------------------

	private RawNoiseClient rawNoiseClient(RatsClient node) throws Exception {
		RawNoiseClient client = RawNoiseClient.connect(node.listenPort(), NoiseKeyPair.generate(), READ_TIMEOUT);
		this.sockets.add(client.socket());
		client.exchangePreambles();
		client.handshake(node.config().protocolId());
		assertThat(client.remotePeerId()).isEqualTo(node.peerId());
		return client;
	}

	/** Raw client that completes HELLO honestly and is admitted. */
	private RawNoiseClient admittedRawClient(RatsClient node) throws Exception {
		RawNoiseClient client = rawNoiseClient(node);
		client.sendEncrypted(RawNoiseClient.helloFrame(node.config().protocolId(), client.peerId(), 0, 1L));
		RawNoiseClient.RawFrame hello = client.readFrame();
		assertThat(hello.type()).as("node answers with its HELLO once it admitted us").isEqualTo(FrameType.HELLO);
		await().atMost(AWAIT).until(() -> node.isConnected(client.peerId()));
		return client;
	}

	@Test
	void rawClientSpeakingTheProtocolCorrectlyIsAdmittedAndHeard() throws Exception {
		RatsClient node = node();
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		node.on("raw", (msg) -> received.add(msg.peerId() + ":" + msg.data().path("v").asString()));
		RawNoiseClient client = admittedRawClient(node);
		client.sendEncrypted(RawNoiseClient.messageFrame("raw", "{\"v\":\"ok\"}"));
		await().atMost(AWAIT).until(() -> received.contains(client.peerId() + ":ok"));
		assertThat(node.peer(client.peerId()).orElseThrow().encrypted()).isTrue();
	}

	@Test
	void frameBeforeHelloIsAProtocolError() throws Exception {
		RatsClient node = node();
		RawNoiseClient client = rawNoiseClient(node);
		client.sendEncrypted(RawNoiseClient.messageFrame("raw", "{}"));
		RawNoiseClient.Drained drained = client.drainUntilClosed();
		assertThat(drained.closedByPeer()).isTrue();
		assertThat(drained.received()).as("no GOODBYE to an unidentified peer").isEmpty();
		awaitMetric(node, RatsMetrics.MALFORMED_FRAMES, 1);
		assertThat(node.peerCount()).isZero();
		assertStillServesPeers(node);
	}

	@Test
	void oversizeFrameAfterAdmissionClosesTheConnection() throws Exception {
		RatsClient node = node((b) -> b.maxFrameSize(64 * 1024));
		RawNoiseClient client = admittedRawClient(node);
		client.sendEncrypted(RawNoiseClient.frameWithLength(Integer.MAX_VALUE, FrameType.BINARY, new byte[100]));
		assertThat(client.drainUntilClosed().closedByPeer()).isTrue();
		awaitMetric(node, RatsMetrics.MALFORMED_FRAMES, 1);
		await().atMost(AWAIT).until(() -> !node.isConnected(client.peerId()));
		assertStillServesPeers(node);
	}

	@Test
	void unassignedFrameTypeAfterAdmissionGetsAProtocolErrorGoodbye() throws Exception {
		RatsClient node = node();
		RawNoiseClient client = admittedRawClient(node);
		client.sendEncrypted(RawNoiseClient.frame((byte) 0x20, new byte[] { 1, 2, 3 }));
		RawNoiseClient.RawFrame goodbye = client.readFrame();
		assertThat(goodbye.type()).isEqualTo(FrameType.GOODBYE);
		assertThat(goodbye.body()[0]).isEqualTo((byte) GoodbyeReason.PROTOCOL_ERROR.code());
		assertThat(new String(goodbye.body(), 1, goodbye.body().length - 1, StandardCharsets.UTF_8))
			.isEqualTo("unassigned frame type 0x20");
		assertThat(client.drainUntilClosed().closedByPeer()).isTrue();
		awaitMetric(node, RatsMetrics.MALFORMED_FRAMES, 1);
		await().atMost(AWAIT).until(() -> !node.isConnected(client.peerId()));
		assertStillServesPeers(node);
	}

	/**
	 * Once a frame broke the protocol the connection is dead: frames that arrived behind it (here in the same Noise
	 * message) must not reach the application, and the error is counted once.
	 */
	@Test
	void framesBehindAProtocolErrorAreNotDelivered() throws Exception {
		RatsClient node = node();
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		node.on("raw", (msg) -> received.add(msg.data().path("v").asString()));
		RawNoiseClient client = admittedRawClient(node);
		byte[] bad = RawNoiseClient.frame((byte) 0x20, new byte[] { 1 });
		byte[] good = RawNoiseClient.messageFrame("raw", "{\"v\":\"behind-the-error\"}");
		byte[] both = new byte[bad.length + good.length];
		System.arraycopy(bad, 0, both, 0, bad.length);
		System.arraycopy(good, 0, both, bad.length, good.length);
		client.sendEncrypted(both);
		assertThat(client.readFrame().type()).isEqualTo(FrameType.GOODBYE);
		assertThat(client.drainUntilClosed().closedByPeer()).isTrue();
		await().atMost(AWAIT).until(() -> !node.isConnected(client.peerId()));
		// A message that would arrive is handed to the handler pool right away; the health check's message, sent
		// later through the same node, proves the pool has run everything queued before it.
		assertStillServesPeers(node);
		assertThat(received).as("message decoded from the dead connection after its protocol error").isEmpty();
		assertThat(node.metrics().get(RatsMetrics.MESSAGES_IN)).as("messages.in (the health check only)").isEqualTo(1);
		assertThat(node.metrics().get(RatsMetrics.MALFORMED_FRAMES)).isEqualTo(1);
	}

	@Test
	void secondHelloAfterAdmissionIsAProtocolError() throws Exception {
		RatsClient node = node();
		RawNoiseClient client = admittedRawClient(node);
		client.sendEncrypted(RawNoiseClient.helloFrame(node.config().protocolId(), client.peerId(), 0, 2L));
		RawNoiseClient.RawFrame goodbye = client.readFrame();
		assertThat(goodbye.type()).isEqualTo(FrameType.GOODBYE);
		assertThat(new String(goodbye.body(), 1, goodbye.body().length - 1, StandardCharsets.UTF_8))
			.isEqualTo("second HELLO");
		awaitMetric(node, RatsMetrics.MALFORMED_FRAMES, 1);
		assertStillServesPeers(node);
	}

	@Test
	void extensionFrameAfterAdmissionIsCountedAndIgnored() throws Exception {
		RatsClient node = node();
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		node.on("raw", (msg) -> received.add(msg.data().path("v").asString()));
		RawNoiseClient client = admittedRawClient(node);
		client.sendEncrypted(RawNoiseClient.frame((byte) 0x77, new byte[] { 1, 2, 3 }));
		client.sendEncrypted(RawNoiseClient.messageFrame("raw", "{\"v\":\"after\"}"));
		await().atMost(AWAIT).until(() -> received.contains("after"));
		assertThat(node.metrics().get(RatsMetrics.UNKNOWN_EXTENSION_FRAMES)).isEqualTo(1);
		assertThat(node.isConnected(client.peerId())).isTrue();
	}

}
