package io.librats.nat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionStrategy;
import io.librats.RatsClient;
import io.librats.TcpRelay;
import io.librats.TestNodes;
import io.librats.config.NatTraversalConfig;
import io.librats.config.TurnServer;
import io.librats.testsupport.CoturnServer;
import io.librats.transport.Direction;
import io.librats.transport.PeerInfo;
import io.librats.turn.TurnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two rats nodes connected through coturn with TCP allocations (RFC 6062): node B dials node A's relayed address
 * with {@code TURN_RELAY} (Connect + ConnectionBind through its own allocation), node C dials it like any TCP peer.
 * Everything between B and coturn passes through a recording relay: the messages' marker never appears in it, so the
 * TURN server only ever carried ciphertext. The allocation outlives twice its lifetime and is deallocated on stop.
 */
class TurnRelayTest {

	private static final Duration LIFETIME = Duration.ofSeconds(4);

	private static CoturnServer coturn;

	private final TestNodes nodes = new TestNodes();

	private final ByteArrayOutputStream seenByRelay = new ByteArrayOutputStream();

	private TcpRelay recorder;

	@BeforeAll
	static void startCoturn() throws Exception {
		coturn = CoturnServer.builder().listeningIps("127.0.0.1").maxAllocateLifetime(LIFETIME).start();
	}

	@AfterAll
	static void stopCoturn() {
		if (coturn != null) {
			coturn.close();
		}
	}

	@AfterEach
	void stop() throws Exception {
		this.nodes.close();
		if (this.recorder != null) {
			this.recorder.close();
		}
	}

	private RatsClient node(TurnServer turn) {
		NatTraversalConfig nat = NatTraversalConfig.builder()
			.turnServers(List.of(turn))
			.stunRto(Duration.ofMillis(100))
			.turnAllocationTimeout(Duration.ofSeconds(5))
			.build();
		return this.nodes.start((b) -> b.natTraversal(nat));
	}

	private static InetSocketAddress relayed(RatsClient node) {
		await().atMost(Duration.ofSeconds(10)).until(() -> node.natService().flatMap(NatService::relayedAddress).isPresent());
		return node.natService().orElseThrow().relayedAddress().orElseThrow();
	}

	@Test
	void peersTalkThroughTheRelayWhichSeesOnlyCiphertext() throws Exception {
		this.recorder = new TcpRelay(coturn.port(), (towardTarget, offset, chunk, length) -> {
			synchronized (this.seenByRelay) {
				this.seenByRelay.write(chunk, 0, length);
			}
		});
		RatsClient a = node(coturn.turnServer());
		RatsClient b = node(new TurnServer("turn:127.0.0.1:" + this.recorder.port(), CoturnServer.USER,
				CoturnServer.PASSWORD));
		InetSocketAddress relayedA = relayed(a);
		relayed(b);
		String marker = "MARKER-" + UUID.randomUUID();
		ConcurrentLinkedQueue<String> atA = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> atB = new ConcurrentLinkedQueue<>();
		a.on("chat", (message) -> atA.add(message.data().path("text").asString()));
		b.on("chat", (message) -> atB.add(message.data().path("text").asString()));

		ConnectionAttemptResult attempt = b.connectToPeer(relayedA.getAddress().getHostAddress(), relayedA.getPort(),
				ConnectionStrategy.TURN_RELAY).get(20, TimeUnit.SECONDS);
		assertThat(attempt.success()).as(attempt.error()).isTrue();
		assertThat(attempt.peerId()).isEqualTo(a.peerId());
		assertThat(attempt.method()).isEqualTo(ConnectionStrategy.TURN_RELAY);
		await().atMost(Duration.ofSeconds(10)).until(() -> a.isConnected(b.peerId()));

		PeerInfo atBSide = b.peer(a.peerId()).orElseThrow();
		assertThat(atBSide.path()).isEqualTo("turn");
		assertThat(atBSide.direction()).isEqualTo(Direction.OUTBOUND);
		assertThat(atBSide.encrypted()).isTrue();
		assertThat(atBSide.address().getPort()).isEqualTo(this.recorder.port());
		PeerInfo atASide = a.peer(b.peerId()).orElseThrow();
		assertThat(atASide.path()).isEqualTo("turn");
		assertThat(atASide.direction()).isEqualTo(Direction.INBOUND);
		assertThat(atASide.address()).isEqualTo(coturn.address());

		b.send(a.peerId(), "chat", Map.of("text", marker + " from b")).get(5, TimeUnit.SECONDS);
		a.send(b.peerId(), "chat", Map.of("text", marker + " from a")).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> atA.contains(marker + " from b") && atB.contains(marker + " from a"));

		// The allocation of A is refreshed past twice its 4 s lifetime and the relayed session stays up.
		TurnClient allocation = ((NatTraversal) a.subsystems().stream().filter((s) -> s.name().equals("nat"))
			.findFirst().orElseThrow()).relayClient();
		assertThat(allocation.lifetime()).isEqualTo(LIFETIME);
		long started = System.nanoTime();
		await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - started > LIFETIME.multipliedBy(2).toNanos()
				&& allocation.refreshCount() >= 3);
		b.send(a.peerId(), "chat", Map.of("text", marker + " later")).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> atA.contains(marker + " later"));
		assertThat(a.isConnected(b.peerId())).isTrue();

		String relayedText;
		synchronized (this.seenByRelay) {
			relayedText = this.seenByRelay.toString(StandardCharsets.ISO_8859_1);
		}
		assertThat(relayedText).as("the relay carried the session").hasSizeGreaterThan(1000);
		assertThat(relayedText).as("STUN with the magic cookie went through the relay").contains("\u0021\u0012\u00a4\u0042");
		assertThat(relayedText).doesNotContain("MARKER-").doesNotContain(marker);

		a.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> coturn.log().contains("lifetime=0"));
	}

	@Test
	void aPlainTcpPeerDialsTheRelayedAddressLikeAnyListener() throws Exception {
		RatsClient a = node(coturn.turnServer());
		InetSocketAddress relayedA = relayed(a);
		RatsClient c = this.nodes.start();
		ConnectionAttemptResult attempt = c.connectToPeer(relayedA.getAddress().getHostAddress(), relayedA.getPort())
			.get(20, TimeUnit.SECONDS);
		assertThat(attempt.success()).as(attempt.error()).isTrue();
		assertThat(attempt.peerId()).isEqualTo(a.peerId());
		await().atMost(Duration.ofSeconds(10)).until(() -> a.isConnected(c.peerId()));
		assertThat(a.peer(c.peerId()).orElseThrow().path()).isEqualTo("turn");
		assertThat(c.peer(a.peerId()).orElseThrow().path()).isEqualTo("direct");
		assertThat(a.connectToPeer(relayedA.getAddress().getHostAddress(), relayedA.getPort()).get(5, TimeUnit.SECONDS)
			.error()).contains("own public or relayed address");
	}

}
