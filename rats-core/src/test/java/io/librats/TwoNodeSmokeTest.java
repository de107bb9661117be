package io.librats;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TwoNodeSmokeTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void connectsAndExchangesMessages() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		b.on("chat", (msg) -> received.add(msg.peerId() + ":" + msg.data().path("text").asString()));
		b.on("echo", (msg) -> msg.reply(msg.data()));
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", b.listenPort()).join();
		assertThat(result.success()).as(String.valueOf(result.error())).isTrue();
		assertThat(result.peerId()).isEqualTo(b.peerId());
		await().atMost(Duration.ofSeconds(5)).until(() -> b.isConnected(a.peerId()));
		a.send(b.peerId(), "chat", a.jsonMapper().createObjectNode().put("text", "hi")).join();
		await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
		assertThat(received).containsExactly(a.peerId() + ":hi");
		JsonNode reply = a.request(b.peerId(), "echo", a.jsonMapper().createObjectNode().put("n", 7),
				Duration.ofSeconds(5)).join();
		assertThat(reply.path("n").asInt()).isEqualTo(7);
	}

}
