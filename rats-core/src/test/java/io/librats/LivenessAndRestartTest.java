package io.librats;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.config.PeerAddress;
import io.librats.metrics.RatsMetrics;
import io.librats.transport.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dead peers are noticed however they die, and known peers come back after a restart. */
class LivenessAndRestartTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void silentPeerIsDeclaredDeadAfterPeerTimeout() throws Exception {
		RatsClient a = this.nodes.start((c) -> c.pingInterval(Duration.ofMillis(200)).peerTimeout(Duration.ofMillis(1000)));
		RatsClient b = this.nodes.start();
		List<String> reasons = TestNodes.recordDisconnects(a);
		try (TcpRelay relay = new TcpRelay(b.listenPort(), TcpRelay.passThrough())) {
			assertThat(a.connectToPeer("127.0.0.1", relay.port()).join().success()).isTrue();
			await().atMost(WAIT).until(() -> a.peer(b.peerId()).map(PeerInfo::rtt).isPresent());
			relay.stall();
			await().atMost(WAIT).until(() -> !a.isConnected(b.peerId()));
		}
		assertThat(a.metrics().get(RatsMetrics.PEERS_TIMED_OUT)).isEqualTo(1);
		await().atMost(WAIT).until(() -> reasons.size() == 1);
		assertThat(reasons.get(0)).startsWith(b.peerId()).contains("no traffic");
	}

	/** A PING or PONG on the wire: 2-byte length, 13-byte frame (length, type, 8-byte stamp), 16-byte tag. */
	private static final int KEEPALIVE_WIRE_BYTES = 2 + 13 + 16;

	@Test
	void idleConnectionCarriesOnePingPerIntervalNotOnePerSide() throws Exception {
		Duration interval = Duration.ofMillis(100);
		RatsClient a = this.nodes.start((c) -> c.pingInterval(interval).peerTimeout(Duration.ofSeconds(5)));
		RatsClient b = this.nodes.start((c) -> c.pingInterval(interval).peerTimeout(Duration.ofSeconds(5)));
		AtomicLong wireBytes = new AtomicLong();
		try (TcpRelay relay = new TcpRelay(b.listenPort(), (toward, offset, chunk, length) -> wireBytes.addAndGet(length))) {
			assertThat(a.connectToPeer("127.0.0.1", relay.port()).join().success()).isTrue();
			// Both sides measure round trips: whichever side reaches its interval first pings, so both get turns.
			await().atMost(WAIT).until(() -> a.peer(b.peerId()).map(PeerInfo::rtt).isPresent()
					&& b.peer(a.peerId()).map(PeerInfo::rtt).isPresent());
			long bytes0 = wireBytes.get();
			long start = System.nanoTime();
			await().atMost(WAIT).until(() -> System.nanoTime() - start >= 30 * interval.toNanos());
			double intervals = (System.nanoTime() - start) / (double) interval.toNanos();
			double perInterval = (wireBytes.get() - bytes0) / (double) KEEPALIVE_WIRE_BYTES / intervals;
			// One PING and its PONG per interval; a late timer only lowers this. One PING per side would be 4.
			assertThat(perInterval).isGreaterThan(0.5).isLessThan(3.0);
			assertThat(a.isConnected(b.peerId())).isTrue();
		}
	}

	@Test
	void connectionThatNeverFallsSilentStillMeasuresItsRoundTrip() {
		Duration interval = Duration.ofMillis(100);
		RatsClient a = this.nodes.start((c) -> c.pingInterval(interval).peerTimeout(Duration.ofSeconds(5)));
		RatsClient b = this.nodes.start((c) -> c.pingInterval(interval).peerTimeout(Duration.ofSeconds(5)));
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		try {
			// b hears from a every 10 ms, so b is never silent for an interval: only the refresh makes it ping.
			sender.scheduleAtFixedRate(() -> a.sendBinary(b.peerId(), new byte[] { 1 }), 0, 10, TimeUnit.MILLISECONDS);
			await().atMost(WAIT).until(() -> b.peer(a.peerId()).map(PeerInfo::rtt).isPresent());
		}
		finally {
			sender.shutdownNow();
		}
	}

	@Test
	void acceptorPingsItselfWhenTheDialersLongerIntervalLeavesItSilent() {
		// The dialer would ping only every 10 s; the acceptor times out after 1 s of silence unless its own PINGs
		// (after 150 ms of silence) draw PONGs.
		RatsClient dialer = this.nodes.start((c) -> c.pingInterval(Duration.ofSeconds(10)).peerTimeout(Duration.ofSeconds(30)));
		RatsClient acceptor = this.nodes.start((c) -> c.pingInterval(Duration.ofMillis(100)).peerTimeout(Duration.ofSeconds(1)));
		assertThat(dialer.connectToPeer("127.0.0.1", acceptor.listenPort()).join().success()).isTrue();
		await().atMost(WAIT).until(() -> acceptor.peer(dialer.peerId()).map(PeerInfo::rtt).isPresent());
		await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> acceptor.isConnected(dialer.peerId()));
		assertThat(acceptor.metrics().get(RatsMetrics.PEERS_TIMED_OUT)).isZero();
	}

	@Test
	void resetConnectionIsNoticedOnBothSides() throws Exception {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		List<String> lostByA = TestNodes.recordDisconnects(a);
		List<String> lostByB = TestNodes.recordDisconnects(b);
		try (TcpRelay relay = new TcpRelay(b.listenPort(), TcpRelay.passThrough())) {
			assertThat(a.connectToPeer("127.0.0.1", relay.port()).join().success()).isTrue();
			await().atMost(WAIT).until(() -> b.isConnected(a.peerId()));
			relay.cut();
			// a dialed, so it may reconnect right away: the departures are what must be seen on both sides.
			await().atMost(WAIT).until(() -> !lostByA.isEmpty() && !lostByB.isEmpty());
		}
		assertThat(lostByA.get(0)).startsWith(b.peerId());
		assertThat(lostByB.get(0)).startsWith(a.peerId());
	}

	@Test
	void killedPeerProcessIsNoticed(@TempDir Path state) throws Exception {
		RatsClient a = this.nodes.start();
		List<String> reasons = TestNodes.recordDisconnects(a);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
				state.toString()).redirectErrorStream(true).start();
		try {
			BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
			String ready = CompletableFuture.supplyAsync(() -> readUntilReady(out)).get(60, TimeUnit.SECONDS);
			String[] parts = ready.split(" ");
			String childId = parts[1];
			int childPort = Integer.parseInt(parts[2]);
			ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", childPort).join();
			assertThat(result.peerId()).isEqualTo(childId);
			assertThat(a.request(childId, "echo", a.jsonMapper().createObjectNode().put("v", 1), WAIT).join()
				.path("v").asInt()).isEqualTo(1);

			child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

			await().atMost(WAIT).until(() -> !a.isConnected(childId));
			await().atMost(WAIT).until(() -> reasons.size() == 1);
			assertThat(reasons.get(0)).startsWith(childId);
		}
		finally {
			child.destroyForcibly();
			child.waitFor(30, TimeUnit.SECONDS);
		}
	}

	private static String readUntilReady(BufferedReader out) {
		try {
			for (int i = 0; i < 1000; i++) {
				String line = out.readLine();
				if (line == null) {
					throw new IllegalStateException("child exited before READY");
				}
				if (line.startsWith("READY ")) {
					return line;
				}
			}
			throw new IllegalStateException("no READY line");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void restartKeepsPeerIdAndPeersReconnect(@TempDir Path stateA, @TempDir Path stateB) {
		RatsClient a1 = this.nodes.startWithState(stateA, (c) -> c);
		String idA = a1.peerId();
		int portA = a1.listenPort();
		RatsClient b = this.nodes.startWithState(stateB,
				(c) -> c.peers(List.of(new PeerAddress("127.0.0.1", portA))));
		await().atMost(WAIT).until(() -> b.isConnected(idA) && a1.isConnected(b.peerId()));

		a1.stop();
		await().atMost(WAIT).until(() -> !b.isConnected(idA));
		RatsClient a2 = this.nodes.startWithState(stateA, (c) -> c.listenPort(portA));

		assertThat(a2.peerId()).isEqualTo(idA);
		await().atMost(WAIT).until(() -> b.isConnected(idA) && a2.isConnected(b.peerId()));
		assertThat(b.metrics().get(RatsMetrics.RECONNECT_ATTEMPTS)).isGreaterThanOrEqualTo(2);
		assertThat(stateA.resolve("known-peers.json")).exists().content().contains(b.peerId());
	}

	@Test
	void knownPeersAreSavedAfterAChangeWhileTheNodeRuns(@TempDir Path stateA) throws Exception {
		RatsClient b = this.nodes.start();
		RatsClient a = this.nodes.startWithState(stateA, (c) -> c);
		Path file = stateA.resolve("known-peers.json");
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		// Not at once (changes are batched for 5 s), but without waiting for stop().
		await().atMost(WAIT).until(() -> Files.exists(file)
				&& Files.readString(file).contains(b.peerId()));
		assertThat(a.isConnected(b.peerId())).isTrue();
	}

	@Test
	void nodeDialsItsKnownPeersAtStart(@TempDir Path stateA) {
		RatsClient b = this.nodes.start();
		RatsClient a1 = this.nodes.startWithState(stateA, (c) -> c);
		assertThat(a1.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		a1.stop();
		await().atMost(WAIT).until(() -> b.peerCount() == 0);

		RatsClient a2 = this.nodes.startWithState(stateA, (c) -> c);

		await().atMost(WAIT).until(() -> a2.isConnected(b.peerId()));
	}

}
