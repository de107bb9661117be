package io.librats.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.config.RatsConfig;
import io.librats.identity.IdentityStore;
import io.librats.identity.NodeIdentity;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.NoiseKeyPair;
import io.librats.transport.PeerInfo;
import io.librats.transport.RawNoiseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An active attacker on the path between two nodes, played by a {@link RelayProxy} on 127.0.0.1: node A dials the
 * relay, the relay dials node B. It must learn nothing from the bytes, and every change it makes must kill the
 * connection instead of changing what B receives. A node with a different static key cannot claim A's peer id.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManInTheMiddleTest {

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	private RelayProxy relay;

	private RawNoiseClient rawClient;

	@AfterEach
	void cleanUp() throws Exception {
		if (this.rawClient != null) {
			this.rawClient.close();
		}
		if (this.relay != null) {
			this.relay.close();
		}
		this.nodes.close();
	}

	private RatsClient node(UnaryOperator<RatsConfig.Builder> customizer) {
		return this.nodes.start((b) -> customizer.apply(b.listenAddress("127.0.0.1")));
	}

	/** Records the peers a node saw leave. */
	private static final class Departures implements ConnectionListener {

		final List<String> peerIds = new CopyOnWriteArrayList<>();

		@Override
		public void onPeerDisconnected(PeerInfo peer, String reason) {
			this.peerIds.add(peer.peerId());
		}

	}

	// --- (i) confidentiality ------------------------------------------------------------------------------------

	private record Exchange(RatsClient a, RatsClient b, String marker, byte[] pattern, List<byte[]> staticKeys) {
	}

	/** A dials B through the relay and sends a JSON message and a binary message, both received by B. */
	private Exchange exchangeThroughRelay(boolean encryption) throws Exception {
		// Identities created up front in the state directories, so the test knows the static public keys.
		NodeIdentity idA = new IdentityStore(this.tmp.resolve("a")).loadOrCreate();
		NodeIdentity idB = new IdentityStore(this.tmp.resolve("b")).loadOrCreate();
		RatsClient a = node((c) -> c.encryption(encryption).stateDir(this.tmp.resolve("a")));
		RatsClient b = node((c) -> c.encryption(encryption).stateDir(this.tmp.resolve("b")));
		assertThat(a.peerId()).isEqualTo(idA.peerId());
		assertThat(b.peerId()).isEqualTo(idB.peerId());
		String marker = "SECRET-MARKER-" + UUID.randomUUID();
		byte[] pattern = new byte[4096];
		byte[] unit = ("BINARY-PATTERN-" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < pattern.length; i++) {
			pattern[i] = unit[i % unit.length];
		}
		List<String> texts = new CopyOnWriteArrayList<>();
		List<byte[]> binaries = new CopyOnWriteArrayList<>();
		b.on("confidential", (msg) -> texts.add(msg.data().path("text").asString()));
		b.onBinary((peerId, data) -> binaries.add(data));
		this.relay = new RelayProxy(b.listenPort(), null);
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", this.relay.port()).get(10, TimeUnit.SECONDS);
		assertThat(result.success()).as(String.valueOf(result.error())).isTrue();
		assertThat(result.peerId()).isEqualTo(b.peerId());
		a.send(b.peerId(), "confidential", a.jsonMapper().createObjectNode().put("text", marker)).join();
		a.sendBinary(b.peerId(), pattern).join();
		await().atMost(AWAIT).until(() -> texts.size() == 1 && binaries.size() == 1);
		assertThat(texts).containsExactly(marker);
		assertThat(binaries.get(0)).isEqualTo(pattern);
		return new Exchange(a, b, marker, pattern, List.of(idA.publicKey(), idB.publicKey()));
	}

	@Test
	void encryptedTrafficRevealsNoPayloadNoPeerIdAndNoStaticKey() throws Exception {
		Exchange x = exchangeThroughRelay(true);
		byte[] wire = this.relay.recorded();
		assertThat(wire.length).as("the relay saw the whole exchange").isGreaterThan(4096 + 100);
		assertThat(indexOf(wire, x.marker().getBytes(StandardCharsets.UTF_8))).as("JSON marker on the wire").isEqualTo(-1);
		assertThat(indexOf(wire, "SECRET-MARKER".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
		assertThat(indexOf(wire, "confidential".getBytes(StandardCharsets.US_ASCII))).as("message type on the wire")
			.isEqualTo(-1);
		assertThat(indexOf(wire, Arrays.copyOf(x.pattern(), 32))).as("binary pattern on the wire")
			.isEqualTo(-1);
		assertThat(indexOf(wire, "BINARY-PATTERN".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
		// XX encrypts both static keys, and HELLO (carrying the peer id) travels inside the session.
		for (RatsClient node : List.of(x.a(), x.b())) {
			assertThat(indexOf(wire, node.peerId().getBytes(StandardCharsets.US_ASCII))).as("peer id on the wire")
				.isEqualTo(-1);
		}
		for (byte[] key : x.staticKeys()) {
			assertThat(indexOf(wire, key)).as("static public key on the wire").isEqualTo(-1);
		}
	}

	/** Control: the same search finds everything when encryption is off, so the checks above are not vacuous. */
	@Test
	void plaintextTrafficDoesRevealThePayloadsControl() throws Exception {
		Exchange x = exchangeThroughRelay(false);
		byte[] wire = this.relay.recorded();
		assertThat(indexOf(wire, x.marker().getBytes(StandardCharsets.UTF_8))).isNotNegative();
		assertThat(indexOf(wire, x.pattern())).isNotNegative();
		assertThat(indexOf(wire, x.a().peerId().getBytes(StandardCharsets.US_ASCII))).isNotNegative();
		assertThat(indexOf(wire, "confidential".getBytes(StandardCharsets.US_ASCII))).isNotNegative();
	}

	// --- (ii) integrity -----------------------------------------------------------------------------------------

	/** A dials B through a tampering relay; returns once A and B are connected. */
	private RatsClient[] connectThroughTamperingRelay(RelayProxy.Tamper tamper, Departures aLeft, Departures bLeft)
			throws Exception {
		RatsClient a = node(UnaryOperator.identity());
		RatsClient b = node(UnaryOperator.identity());
		a.addConnectionListener(aLeft);
		b.addConnectionListener(bLeft);
		this.relay = new RelayProxy(b.listenPort(), tamper);
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", this.relay.port()).get(10, TimeUnit.SECONDS);
		assertThat(result.success()).as(String.valueOf(result.error())).isTrue();
		await().atMost(AWAIT).until(() -> b.isConnected(a.peerId()));
		return new RatsClient[] { a, b };
	}

	@Test
	void flippedCiphertextByteKillsTheConnectionInsteadOfChangingTheMessage() throws Exception {
		Departures aLeft = new Departures();
		Departures bLeft = new Departures();
		// A's transport message 0 is its HELLO; message 1 is the first one carrying application data.
		RatsClient[] ab = connectThroughTamperingRelay(RelayProxy.Tamper.flip(RelayProxy.Tamper.Phase.TRANSPORT, 1, 7),
				aLeft, bLeft);
		RatsClient a = ab[0];
		RatsClient b = ab[1];
		List<String> received = new CopyOnWriteArrayList<>();
		b.on("tampered", (msg) -> received.add(msg.data().toString()));
		a.send(b.peerId(), "tampered", a.jsonMapper().createObjectNode().put("amount", 100)).join();
		await().atMost(AWAIT).until(() -> bLeft.peerIds.contains(a.peerId()) && aLeft.peerIds.contains(b.peerId()));
		assertThat(this.relay.tampered()).isTrue();
		assertThat(b.metrics().get(RatsMetrics.DECRYPT_FAILED)).as("frames.decrypt-failed on B").isEqualTo(1);
		assertThat(b.isConnected(a.peerId())).isFalse();
		assertThat(a.isConnected(b.peerId())).isFalse();
		assertThat(received).as("nothing forged reaches the application").isEmpty();
		assertThat(b.metrics().get(RatsMetrics.MESSAGES_IN)).isZero();
	}

	@Test
	void replayedTransportMessageIsDetected() throws Exception {
		Departures aLeft = new Departures();
		Departures bLeft = new Departures();
		RatsClient[] ab = connectThroughTamperingRelay(RelayProxy.Tamper.duplicate(1), aLeft, bLeft);
		RatsClient a = ab[0];
		RatsClient b = ab[1];
		List<String> received = new CopyOnWriteArrayList<>();
		b.on("pay", (msg) -> received.add(msg.data().path("amount").asString()));
		a.send(b.peerId(), "pay", a.jsonMapper().createObjectNode().put("amount", "100")).join();
		await().atMost(AWAIT).until(() -> bLeft.peerIds.contains(a.peerId()) && aLeft.peerIds.contains(b.peerId()));
		assertThat(this.relay.tampered()).isTrue();
		assertThat(b.metrics().get(RatsMetrics.DECRYPT_FAILED)).isEqualTo(1);
		// The original was authentic and may be delivered; the replay must not be: at most once.
		await().pollDelay(Duration.ZERO).atMost(AWAIT).until(() -> b.metrics().get(RatsMetrics.MESSAGES_IN) <= 1);
		assertThat(received).hasSizeLessThanOrEqualTo(1);
		assertThat(b.metrics().get(RatsMetrics.MESSAGES_IN)).isLessThanOrEqualTo(1);
	}

	@Test
	void flippedByteInTheLastHandshakeMessageFailsTheHandshake() throws Exception {
		RatsClient a = node(UnaryOperator.identity());
		RatsClient b = node(UnaryOperator.identity());
		// Handshake message 1 of the dialer is Noise message 3 (s, se): flip a byte of its encrypted static key. The
		// relay delivers it together with A's HELLO, which A sends right after its (from its view, complete) handshake.
		this.relay = new RelayProxy(b.listenPort(), RelayProxy.Tamper.flip(RelayProxy.Tamper.Phase.HANDSHAKE, 1, 5));
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", this.relay.port()).get(10, TimeUnit.SECONDS);
		assertThat(result.success()).isFalse();
		assertThat(this.relay.tampered()).isTrue();
		await().atMost(AWAIT).untilAsserted(() -> assertThat(b.metrics().get(RatsMetrics.HANDSHAKE_FAILED))
			.as("B %s, A %s", b.metrics().snapshot(), a.metrics().snapshot()).isGreaterThanOrEqualTo(1));
		assertThat(b.peerCount()).isZero();
		assertThat(a.peerCount()).isZero();
		await().atMost(AWAIT).until(() -> !this.relay.isRelaying());
		// One tampered handshake, one failure: what A sent behind the bad message (its HELLO) must not be fed to
		// the dead handshake and counted again ("handshake already failed").
		assertThat(b.metrics().get(RatsMetrics.HANDSHAKE_FAILED)).as("handshake.failed for ONE tampered handshake")
			.isEqualTo(1);
	}

	// --- (iii) impersonation ------------------------------------------------------------------------------------

	/** C completes Noise with its own static key, then sends HELLO claiming A's peer id. */
	private void impersonate(RatsClient a, RatsClient b) throws Exception {
		this.rawClient = RawNoiseClient.connect(b.listenPort(), NoiseKeyPair.generate(), Duration.ofSeconds(5));
		this.rawClient.exchangePreambles();
		this.rawClient.handshake(b.config().protocolId());
		assertThat(this.rawClient.remotePeerId()).as("C authenticated B").isEqualTo(b.peerId());
		assertThat(this.rawClient.peerId()).isNotEqualTo(a.peerId());
		this.rawClient.sendEncrypted(RawNoiseClient.helloFrame(b.config().protocolId(), a.peerId(), a.listenPort(), 1L));
		RawNoiseClient.Drained drained = this.rawClient.drainUntilClosed();
		assertThat(drained.closedByPeer()).as("B closed the impostor's connection").isTrue();
		assertThat(drained.received()).as("B sent the impostor no HELLO (nor anything else)").isEmpty();
		await().atMost(AWAIT).until(() -> b.metrics().get(RatsMetrics.IDENTITY_MISMATCH) == 1);
	}

	@Test
	void impostorWithAnotherStaticKeyCannotClaimAPeerId() throws Exception {
		RatsClient a = node(UnaryOperator.identity());
		RatsClient b = node(UnaryOperator.identity());
		List<String> connected = new CopyOnWriteArrayList<>();
		b.addConnectionListener(new ConnectionListener() {
			@Override
			public void onPeerConnected(PeerInfo peer) {
				connected.add(peer.peerId());
			}
		});
		impersonate(a, b);
		assertThat(b.isConnected(a.peerId())).isFalse();
		assertThat(b.peers()).isEmpty();
		assertThat(connected).isEmpty();
		assertThat(b.metrics().get(RatsMetrics.CONNECTIONS_INBOUND)).isZero();
	}

	@Test
	void impostorCannotHijackOrDisplaceTheRealPeersConnection() throws Exception {
		RatsClient a = node(UnaryOperator.identity());
		RatsClient b = node(UnaryOperator.identity());
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).get(10, TimeUnit.SECONDS).success()).isTrue();
		await().atMost(AWAIT).until(() -> b.isConnected(a.peerId()));
		Instant since = b.peer(a.peerId()).orElseThrow().connectedSince();
		impersonate(a, b);
		PeerInfo stillA = b.peer(a.peerId()).orElseThrow();
		assertThat(stillA.connectedSince()).as("the real A's connection is untouched").isEqualTo(since);
		assertThat(b.metrics().get(RatsMetrics.DUPLICATE_CONNECTIONS)).isZero();
		List<String> received = new CopyOnWriteArrayList<>();
		b.on("still-there", (msg) -> received.add(msg.peerId()));
		a.send(b.peerId(), "still-there", a.jsonMapper().createObjectNode()).join();
		await().atMost(AWAIT).until(() -> received.contains(a.peerId()));
	}

	// --- helpers ------------------------------------------------------------------------------------------------

	static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
