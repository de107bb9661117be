package io.librats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.message.MessageTrafficListener;
import io.librats.transport.Direction;
import io.librats.transport.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the node tells monitoring: per-peer counters, connection methods, recent attempts, traffic by type. */
class ObservabilityTest {

	private final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void peerInfoCarriesCountersHandshakeDurationAndMethod() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		b.on("chat", (msg) -> {
		});
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		a.send(b.peerId(), "chat", java.util.Map.of("text", "hi")).join();
		await().atMost(Duration.ofSeconds(5)).until(() -> b.peer(a.peerId()).map(PeerInfo::messagesIn).orElse(0L) == 1);
		PeerInfo atA = a.peer(b.peerId()).orElseThrow();
		assertThat(atA.direction()).isEqualTo(Direction.OUTBOUND);
		assertThat(atA.messagesOut()).isEqualTo(1);
		assertThat(atA.bytesOut()).isPositive();
		assertThat(atA.handshakeDuration()).isNotNull().isPositive().isLessThan(Duration.ofSeconds(5));
		assertThat(a.connectionMethod(b.peerId())).contains(ConnectionStrategy.DIRECT);
		assertThat(b.connectionMethod(a.peerId())).contains(ConnectionStrategy.DIRECT);
		assertThat(a.connectionMethod("00".repeat(20))).isEmpty();
	}

	@Test
	void recentAttemptsAreRecordedAndBounded() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		List<ConnectionAttemptLog.Entry> one = a.recentConnectionAttempts();
		assertThat(one).hasSize(1);
		assertThat(one.get(0).result().peerId()).isEqualTo(b.peerId());
		assertThat(one.get(0).result().method()).isEqualTo(ConnectionStrategy.DIRECT);
		assertThat(one.get(0).at()).isNotNull();
		for (int i = 0; i < ConnectionAttemptLog.CAPACITY + 5; i++) {
			a.connectToPeer("127.0.0.1", 0).join();
		}
		List<ConnectionAttemptLog.Entry> all = a.recentConnectionAttempts();
		assertThat(all).hasSize(ConnectionAttemptLog.CAPACITY);
		assertThat(all).allSatisfy((entry) -> assertThat(entry.result().success()).isFalse());
	}

	@Test
	void trafficTypesAreFoldedToOtherUnlessAHandlerIsRegistered() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		List<String> seenByB = new CopyOnWriteArrayList<>();
		List<String> seenByA = new CopyOnWriteArrayList<>();
		b.onMessageTraffic((inbound, type, bytes) -> seenByB.add((inbound ? "in:" : "out:") + type + ":" + (bytes > 0)));
		a.onMessageTraffic((inbound, type, bytes) -> seenByA.add((inbound ? "in:" : "out:") + type));
		b.on("chat", (msg) -> {
		});
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		a.send(b.peerId(), "chat", java.util.Map.of("text", "hi")).join();
		a.send(b.peerId(), "random-" + System.nanoTime(), java.util.Map.of()).join();
		a.sendBinary(b.peerId(), "bytes".getBytes(StandardCharsets.UTF_8)).join();
		await().atMost(Duration.ofSeconds(5)).until(() -> seenByB.size() == 3);
		assertThat(seenByB).containsExactlyInAnyOrder("in:chat:true", "in:" + MessageTrafficListener.OTHER + ":true",
				"in:" + MessageTrafficListener.BINARY + ":true");
		// a registered no handler: everything it sent is "other", except binary
		assertThat(seenByA).containsExactly("out:other", "out:other", "out:binary");
	}

	@Test
	void twoRunningNodesCannotShareAStateDirectory() {
		Path dir = this.tmp.resolve("shared");
		RatsClient first = this.nodes.startWithState(dir, (b) -> b);
		RatsClient second = this.nodes.create(TestNodes.loopbackConfig().stateDir(dir).build(),
				io.librats.transport.TcpBinding.select(true));
		assertThatThrownBy(second::start).isInstanceOf(RatsException.class).hasMessageContaining("in use")
			.hasMessageContaining(dir.toString());
		first.stop();
		second.start();
		assertThat(second.isRunning()).isTrue();
		assertThat(second.peerId()).isEqualTo(first.peerId());
	}

	@Test
	void nodeStateReadsIdentityAndKnownPeersWithoutThePrivateKey() throws Exception {
		Path dirA = this.tmp.resolve("a");
		RatsClient a = this.nodes.startWithState(dirA, (b) -> b);
		RatsClient b = this.nodes.start();
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		a.stop();
		NodeState state = NodeState.load(dirA);
		assertThat(state.peerId()).isEqualTo(a.peerId());
		assertThat(state.identityFile()).isEqualTo(dirA.resolve("identity.json"));
		assertThat(state.knownPeers()).singleElement().satisfies((peer) -> {
			assertThat(peer.peerId()).isEqualTo(b.peerId());
			assertThat(peer.address()).isEqualTo("127.0.0.1:" + b.listenPort());
		});
		assertThat(state.toString()).doesNotContain("privateKey");
	}

	@Test
	void nodeStateNamesTheCorruptFile() throws Exception {
		Path dir = this.tmp.resolve("corrupt");
		NodeState.load(dir);
		Files.writeString(dir.resolve("known-peers.json"), "{not json");
		assertThatThrownBy(() -> NodeState.load(dir)).isInstanceOf(StateFileCorruptException.class)
			.hasMessageContaining("known-peers.json")
			.satisfies((ex) -> assertThat(((StateFileCorruptException) ex).file())
				.isEqualTo(dir.resolve("known-peers.json")));
		Files.writeString(dir.resolve("identity.json"), "[]");
		assertThatThrownBy(() -> NodeState.load(dir)).isInstanceOf(StateFileCorruptException.class)
			.hasMessageContaining("identity.json");
	}

}
