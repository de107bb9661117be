package io.librats.sample;

import java.io.PrintStream;
import java.time.Duration;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.config.RatsConfig;
import io.librats.transport.PeerInfo;
import tools.jackson.databind.JsonNode;

/**
 * Two rats nodes in one process on loopback: they connect over an encrypted Noise session, exchange a chat message
 * and a request/reply round trip, print what happened, and stop.
 */
public final class TwoNodeDemo {

	private TwoNodeDemo() {
	}

	public static void main(String[] args) throws Exception {
		run(System.out);
	}

	static void run(PrintStream out) throws Exception {
		RatsConfig config = RatsConfig.builder().listenAddress("127.0.0.1").listenPort(0).build();
		try (RatsClient alice = new RatsClient(config); RatsClient bob = new RatsClient(config)) {
			bob.on("chat", (msg) -> out.printf("bob   <- %s...: %s%n", msg.peerId().substring(0, 8),
					msg.data().path("text").asString()));
			bob.on("time", (msg) -> msg.reply(bob.jsonMapper().createObjectNode()
				.put("now", System.currentTimeMillis()).put("echo", msg.data().path("asked").asString())));
			alice.start();
			bob.start();
			out.printf("alice %s listening on %d (%s)%n", alice.peerId(), alice.listenPort(), alice.transportName());
			out.printf("bob   %s listening on %d%n", bob.peerId(), bob.listenPort());

			ConnectionAttemptResult result = alice.connectToPeer("127.0.0.1", bob.listenPort()).join();
			if (!result.success()) {
				throw new IllegalStateException("connection failed: " + result.error());
			}
			out.printf("alice connected to %s via %s in %.1f ms%n", result.peerId(), result.method(),
					result.duration().toNanos() / 1e6);

			alice.send(bob.peerId(), "chat", alice.jsonMapper().createObjectNode().put("text", "hello, bob")).join();
			long started = System.nanoTime();
			JsonNode reply = alice.request(bob.peerId(), "time", alice.jsonMapper().createObjectNode()
				.put("asked", "what time is it?"), Duration.ofSeconds(5)).join();
			out.printf("alice <- reply %s in %.2f ms%n", reply, (System.nanoTime() - started) / 1e6);

			PeerInfo bobSeenByAlice = alice.peer(bob.peerId()).orElseThrow();
			out.printf("session: encrypted=%s, %d bytes out, %d bytes in, %d messages out%n",
					bobSeenByAlice.encrypted(), bobSeenByAlice.bytesOut(), bobSeenByAlice.bytesIn(),
					bobSeenByAlice.messagesOut());
		}
		out.println("both nodes stopped");
	}

}
