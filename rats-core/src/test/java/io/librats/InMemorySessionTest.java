package io.librats;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.config.RatsConfig;
import io.librats.transport.LocalBinding;
import io.librats.transport.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole session (preamble, Noise XX, HELLO, frames, request/reply) over Netty's in-memory channels: no socket
 * anywhere. This is what lets a UDP stream after ICE or a TURN relay carry the same session later.
 */
class InMemorySessionTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	private RatsClient localNode(String name, int port) {
		RatsConfig config = TestNodes.loopbackConfig().listenAddress(name).listenPort(port).build();
		return this.nodes.start(config, new LocalBinding());
	}

	@Test
	void wholeEncryptedSessionRunsOverInMemoryChannels() {
		RatsClient a = localNode("mem-a", 1);
		RatsClient b = localNode("mem-b", 2);
		assertThat(a.transportName()).isEqualTo("local");
		List<String> got = new CopyOnWriteArrayList<>();
		b.on("chat", (msg) -> got.add(msg.data().path("text").asString()));
		b.on("echo", (msg) -> msg.reply(msg.data()));

		ConnectionAttemptResult result = a.connectToPeer("mem-b", 2).join();

		assertThat(result.success()).as("%s", result.error()).isTrue();
		assertThat(result.peerId()).isEqualTo(b.peerId());
		await().atMost(Duration.ofSeconds(5)).until(() -> b.isConnected(a.peerId()));
		PeerInfo info = b.peer(a.peerId()).orElseThrow();
		assertThat(info.encrypted()).isTrue();
		assertThat(info.listenPort()).isEqualTo(1);
		a.send(b.peerId(), "chat", a.jsonMapper().createObjectNode().put("text", "in memory")).join();
		assertThat(a.request(b.peerId(), "echo", a.jsonMapper().createObjectNode().put("k", "v"),
				Duration.ofSeconds(5)).join().path("k").asString()).isEqualTo("v");
		await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
		assertThat(got).containsExactly("in memory");
		assertThat(a.peer(b.peerId()).orElseThrow().bytesOut()).isPositive();
	}

}
