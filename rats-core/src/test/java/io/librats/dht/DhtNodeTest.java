package io.librats.dht;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.metrics.RatsMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One or a few real nodes on loopback UDP. */
class DhtNodeTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final DhtTestNetwork network = new DhtTestNetwork(1);

	@AfterEach
	void close() {
		this.network.close();
	}

	private static Map<String, Object> args(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	private static final byte[] CLIENT_ID = "abcdefghij0123456789".getBytes(StandardCharsets.US_ASCII);

	@Test
	void malformedDatagramsAreDroppedAndCountedAndTheNodeKeepsAnswering() throws Exception {
		RatsMetrics metrics = new RatsMetrics();
		DhtNode node = this.network.start(DhtTestNetwork.config("127.20.0.1").build(), (b) -> b.metrics(metrics));
		InetSocketAddress target = node.localAddress();
		try (RawKrpcClient client = new RawKrpcClient("127.20.0.2")) {
			List<String> garbage = List.of("", "x", "i1e", "le", "d1:y1:qe", "d1:t2:aa1:y1:re", "d1:ad2:id3:abce",
					"d1:rd2:id20:abcdefghij0123456789e1:t2:aa1:y1:re", // a response nobody asked for
					"d1:t2:aa1:y1:q1:a", "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qee",
					"d1:eli201e1:xe1:t2:aa1:y1:ee");
			for (String text : garbage) {
				client.send(text.getBytes(StandardCharsets.ISO_8859_1), target);
			}
			byte[] random = new byte[1200];
			new Random(5).nextBytes(random);
			client.send(random, target);
			client.send(new byte[3000], target); // larger than the receive buffer
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(metrics.get(DhtMetrics.PACKETS_MALFORMED)).isGreaterThanOrEqualTo(9);
				assertThat(metrics.get(DhtMetrics.RESPONSES_UNMATCHED)).isEqualTo(2);
			});
			client.timeout(300);
			assertThat(client.receive()).as("no answer to garbage").isNull();
			client.timeout(5000);

			// a query with a transaction id but bad arguments gets a 203, an unknown method a 204
			Krpc.Message error = client.query(target, "find_node", args("id", CLIENT_ID));
			assertThat(error).isInstanceOfSatisfying(Krpc.Error.class, (e) -> assertThat(e.code()).isEqualTo(203));
			Krpc.Message unknown = client.query(target, "sample_everything", args("id", CLIENT_ID));
			assertThat(unknown).isInstanceOfSatisfying(Krpc.Error.class, (e) -> assertThat(e.code()).isEqualTo(204));
			assertThat(metrics.get(DhtMetrics.QUERIES_INVALID)).isEqualTo(2);

			// and it still answers a ping, telling us our address (BEP 42 "ip")
			Krpc.Message pong = client.query(target, "ping", args("id", CLIENT_ID));
			assertThat(pong).isInstanceOfSatisfying(Krpc.Response.class, (r) -> {
				assertThat(r.ip()).isEqualTo(client.address());
				assertThat(r.version()).isEqualTo(DhtNode.VERSION);
			});
		}
	}

	@Test
	void perIpRateLimitDropsExcessQueries() throws Exception {
		RatsMetrics metrics = new RatsMetrics();
		DhtNode node = this.network.start(DhtTestNetwork.config("127.20.1.1").queriesPerSecondPerIp(1)
			.queryBurstPerIp(5).build(), (b) -> b.metrics(metrics));
		byte[] ping = Krpc.query(new byte[] { 1, 2 }, "ping", args("id", CLIENT_ID), false, null);
		try (RawKrpcClient client = new RawKrpcClient("127.20.1.2")) {
			for (int i = 0; i < 40; i++) {
				client.send(ping, node.localAddress());
			}
			await().atMost(WAIT).until(() -> metrics.get(DhtMetrics.QUERIES_IN) == 40);
			assertThat(metrics.get(DhtMetrics.QUERIES_RATE_LIMITED)).isBetween(30L, 35L);
			int answers = 0;
			client.timeout(500);
			while (client.receive() != null && answers < 100) {
				answers++;
			}
			assertThat(answers).isBetween(5, 10);
		}
		try (RawKrpcClient other = new RawKrpcClient("127.20.1.3")) {
			assertThat(other.query(node.localAddress(), "ping", args("id", CLIENT_ID)))
				.as("another IP is not limited")
				.isInstanceOf(Krpc.Response.class);
		}
	}

	@Test
	void tokensExpireOnTheNodesClock() throws Exception {
		DhtTokenAndStoreTest.MutableClock clock = new DhtTokenAndStoreTest.MutableClock(1_000_000_000L);
		DhtNode node = this.network.start(DhtTestNetwork.config("127.20.2.1").build(), (b) -> b.clock(clock));
		byte[] infohash = NodeId.random().toBytes();
		try (RawKrpcClient client = new RawKrpcClient("127.20.2.2")) {
			Krpc.Response first = (Krpc.Response) client.query(node.localAddress(), "get_peers",
					args("id", CLIENT_ID, "info_hash", infohash));
			byte[] token = (byte[]) first.values().get("token");
			clock.advance(6 * 60_000); // rotated once: still accepted
			assertThat(client.query(node.localAddress(), "announce_peer", args("id", CLIENT_ID, "info_hash", infohash,
					"port", 7001L, "token", token))).isInstanceOf(Krpc.Response.class);
			clock.advance(5 * 60_000); // rotated twice: refused
			assertThat(client.query(node.localAddress(), "announce_peer", args("id", CLIENT_ID, "info_hash", infohash,
					"port", 7002L, "token", token))).isInstanceOfSatisfying(Krpc.Error.class,
							(e) -> assertThat(e.text()).contains("token"));
			Krpc.Response peers = (Krpc.Response) client.query(node.localAddress(), "get_peers",
					args("id", CLIENT_ID, "info_hash", infohash));
			assertThat((List<?>) peers.values().get("values")).extracting((v) -> Compact.parsePeer((byte[]) v))
				.containsExactly(new InetSocketAddress(client.address().getAddress(), 7001));
			clock.advance(31 * 60_000); // the stored peer expired
			Krpc.Response expired = (Krpc.Response) client.query(node.localAddress(), "get_peers",
					args("id", CLIENT_ID, "info_hash", infohash));
			assertThat(expired.values()).doesNotContainKey("values").containsKey("nodes");
		}
	}

	@Test
	void twoNodesPingFindAndAnnounce() throws Exception {
		DhtNode a = this.network.start(DhtTestNetwork.config("127.20.3.1").build());
		DhtNode b = this.network.start(DhtTestNetwork.config("127.20.3.2")
			.addBootstrap(DhtTestNetwork.bootstrapOf(a))
			.build());
		await().atMost(WAIT).until(() -> a.stats().nodes() == 1 && b.stats().nodes() == 1);
		assertThat(a.ping(b.localAddress()).get()).isTrue();
		assertThat(b.ping(a.localAddress()).get()).isTrue();
		byte[] infohash = NodeId.random().toBytes();
		assertThat(a.announce(infohash, 7100).get()).isEqualTo(1);
		assertThat(b.findPeers(infohash).get()).containsExactly(new InetSocketAddress("127.20.3.1", 7100));
		assertThat(b.announce(infohash, 0).get()).isEqualTo(1); // implied port: our UDP port
		assertThat(a.findPeers(infohash).get()).containsExactlyInAnyOrder(new InetSocketAddress("127.20.3.1", 7100),
				new InetSocketAddress("127.20.3.2", b.port()));
		assertThatThrownBy(() -> a.findPeers(new byte[5])).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void singleRequestsGetTheAnswerAndTheQueryObserverSeesHowEachQueryWasAnswered() throws Exception {
		List<String> answered = new CopyOnWriteArrayList<>();
		DhtNode a = this.network.start(DhtTestNetwork.config("127.20.8.1").build());
		DhtNode b = this.network.start(DhtTestNetwork.config("127.20.8.2").build(), (builder) -> builder
			.queryObserver((query, from, errorCode) -> answered.add(query.method() + " " + Compact.format(from) + " "
					+ errorCode)));
		assertThat(a.request(b.localAddress(), Krpc.PING, Map.of()).get())
			.isInstanceOfSatisfying(Krpc.Response.class, (pong) -> assertThat(pong.id().toHex()).isEqualTo(b.nodeId()));
		assertThat(a.request(b.localAddress(), "sample_infohashes", args("target", CLIENT_ID)).get())
			.isInstanceOfSatisfying(Krpc.Error.class, (error) -> assertThat(error.code()).isEqualTo(204));
		String from = "127.20.8.1:" + a.port();
		await().atMost(WAIT).untilAsserted(() -> assertThat(answered).contains("ping " + from + " 0",
				"sample_infohashes " + from + " 204"));
	}

	@Test
	void readOnlyNodeQueriesButIsNeverQueriedNorAdded() throws Exception {
		RatsMetrics roMetrics = new RatsMetrics();
		DhtNode a = this.network.start(DhtTestNetwork.config("127.20.4.1").build());
		DhtNode b = this.network.start(DhtTestNetwork.config("127.20.4.2")
			.addBootstrap(DhtTestNetwork.bootstrapOf(a))
			.build());
		await().atMost(WAIT).until(() -> a.stats().nodes() == 1 && b.stats().nodes() == 1);
		DhtNode readOnly = this.network.start(DhtTestNetwork.config("127.20.4.3")
			.readOnly(true)
			.addBootstrap(DhtTestNetwork.bootstrapOf(a))
			.build(), (builder) -> builder.metrics(roMetrics));
		await().atMost(WAIT).untilAsserted(() -> assertThat(List.of(a.stats().nodes(), b.stats().nodes(),
				readOnly.stats().nodes())).containsExactly(1, 1, 2));
		byte[] infohash = NodeId.random().toBytes();
		assertThat(b.announce(infohash, 7200).get()).isEqualTo(1); // only a stores: the read-only node is not asked
		assertThat(readOnly.findPeers(infohash).get()).containsExactly(new InetSocketAddress("127.20.4.2", 7200));
		assertThat(a.stats().nodes()).as("a never adds the read-only node").isEqualTo(1);
		assertThat(b.stats().nodes()).isEqualTo(1);
		// a read-only node answers nothing
		assertThat(a.ping(readOnly.localAddress()).get()).isFalse();
		assertThat(roMetrics.get(DhtMetrics.QUERIES_IGNORED_READ_ONLY)).isGreaterThanOrEqualTo(1);
	}

	@Test
	void restartedNodeRejoinsFromItsSavedStateWithoutBootstrap(@TempDir Path stateDir) throws Exception {
		DhtNode seed = this.network.start(DhtTestNetwork.config("127.20.5.1").build());
		for (int i = 2; i <= 12; i++) {
			this.network.start(DhtTestNetwork.config("127.20.5." + i).addBootstrap(DhtTestNetwork.bootstrapOf(seed))
				.build());
		}
		DhtConfig config = DhtTestNetwork.config("127.20.5.100").addBootstrap(DhtTestNetwork.bootstrapOf(seed)).build();
		DhtNode first = this.network.start(config, (b) -> b.stateDir(stateDir));
		await().atMost(WAIT).until(() -> first.stats().nodes() >= 8);
		String id = first.nodeId();
		first.close();
		assertThat(Files.exists(stateDir.resolve(DhtStateFile.FILE_NAME))).isTrue();

		DhtConfig noBootstrap = DhtTestNetwork.config("127.20.5.100").build();
		DhtNode restarted = this.network.start(noBootstrap, (b) -> b.stateDir(stateDir));
		assertThat(restarted.nodeId()).isEqualTo(id);
		await().atMost(WAIT).until(() -> restarted.stats().nodes() >= 8);
		byte[] infohash = NodeId.random().toBytes();
		assertThat(this.network.nodes().get(3).announce(infohash, 7300).get()).isPositive();
		assertThat(restarted.findPeers(infohash).get()).containsExactly(new InetSocketAddress("127.20.5.4", 7300));
	}

	@Test
	void corruptStateIsIgnored(@TempDir Path stateDir) throws Exception {
		Files.write(stateDir.resolve(DhtStateFile.FILE_NAME), "d7:versioni1e2:id3:abce".getBytes());
		DhtNode node = this.network.start(DhtTestNetwork.config("127.20.6.1").build(), (b) -> b.stateDir(stateDir));
		assertThat(node.nodeId()).hasSize(40);
	}

	@Test
	void closedNodeFailsCallsAndReleasesItsPort() throws Exception {
		DhtNode node = this.network.start(DhtTestNetwork.config("127.20.7.1").build());
		int port = node.port();
		node.close();
		node.close();
		assertThatThrownBy(() -> node.findPeers(new byte[20]).join()).hasCauseInstanceOf(IllegalStateException.class);
		DhtNode again = this.network.start(DhtTestNetwork.config("127.20.7.1").port(port).build());
		assertThat(again.port()).isEqualTo(port);
	}

}
