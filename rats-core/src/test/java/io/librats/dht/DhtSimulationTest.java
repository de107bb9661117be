package io.librats.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.metrics.RatsMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 of our nodes on real UDP sockets, each on its own loopback address, bootstrapped from one node only. BEP 42
 * is enforced as on a public network (loopback is not exempted here): most nodes know their external address up
 * front, as from a NAT service; {@value #VOTING} learn it only from the {@code ip} votes of other nodes and must
 * change their id before anyone admits them.
 */
class DhtSimulationTest {

	private static final int NODES = 200;

	private static final int VOTING = 10;

	private static final int NET = 30;

	private final DhtTestNetwork network = new DhtTestNetwork(2);

	private final List<RatsMetrics> metrics = new ArrayList<>();

	@AfterEach
	void close() {
		this.network.close();
	}

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void everyNodeJoinsAndFindsAnAnnounceFromAnyOther() throws Exception {
		long started = System.nanoTime();
		List<DhtNode> nodes = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			String address = DhtTestNetwork.address(NET, i);
			DhtConfig.Builder config = DhtTestNetwork.config(address).enforceNodeId(true).secureIdsOnLocalAddresses(true);
			if (i > 0) {
				config.addBootstrap(DhtTestNetwork.bootstrapOf(nodes.get(0)));
			}
			boolean knowsAddress = i < NODES - VOTING;
			InetAddress external = InetAddress.getByName(address);
			RatsMetrics counters = new RatsMetrics();
			this.metrics.add(counters);
			nodes.add(this.network.start(config.build(), (b) -> b.metrics(counters)
				.externalAddress(() -> knowsAddress ? Optional.of(external) : Optional.empty())));
		}
		long allStarted = System.nanoTime();

		// every node reaches a healthy routing table: at least 2k good nodes and nearly all of its nodes good (a
		// query that times out on a stalled machine may leave one questionable for a while), and the voting nodes
		// took BEP 42 ids for their address
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			for (int i = 0; i < NODES; i++) {
				DhtStats stats = nodes.get(i).stats();
				assertThat(stats.nodes()).as("node %d table", i).isGreaterThanOrEqualTo(2 * RoutingTable.K);
				assertThat(stats.good()).as("node %d good", i).isGreaterThanOrEqualTo(2 * RoutingTable.K)
					.isGreaterThanOrEqualTo(stats.nodes() * 9 / 10);
				InetAddress address = InetAddress.getByName(DhtTestNetwork.address(NET, i));
				assertThat(SecureNodeId.isValid(NodeId.fromHex(stats.nodeId()), address, true))
					.as("node %d has a BEP 42 id", i).isTrue();
			}
		});
		long healthy = System.nanoTime();
		for (int i = NODES - VOTING; i < NODES; i++) {
			assertThat(this.metrics.get(i).get(DhtMetrics.NODE_ID_CHANGES)).as("voting node %d", i).isEqualTo(1);
			// once it has a valid id, the others admit it: a lookup of its id from node 1 ends at it
			byte[] id = NodeId.fromHex(nodes.get(i).nodeId()).toBytes();
			int voter = i;
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
					nodes.get(1).lookupForTest(false, id).get(30, TimeUnit.SECONDS).closest().get(0).address())
				.as("voting node %d admitted", voter)
				.isEqualTo(nodes.get(voter).localAddress()));
		}

		// announce on one node, get_peers from every other finds it
		byte[] infohash = NodeId.random().toBytes();
		DhtNode announcer = nodes.get(NODES / 2);
		int accepted = announcer.announce(infohash, 6881).get(60, TimeUnit.SECONDS);
		assertThat(accepted).isGreaterThanOrEqualTo(RoutingTable.K - 1);
		InetSocketAddress expected = new InetSocketAddress(DhtTestNetwork.address(NET, NODES / 2), 6881);

		List<CompletableFuture<Lookup.Result>> lookups = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			if (i != NODES / 2) {
				lookups.add(nodes.get(i).lookupForTest(true, infohash));
			}
		}
		// lookups terminate: every one completes, with a bounded number of queries
		CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
		List<Integer> queries = new ArrayList<>();
		int found = 0;
		for (CompletableFuture<Lookup.Result> lookup : lookups) {
			Lookup.Result result = lookup.get();
			queries.add(result.queries());
			assertThat(result.queries()).isLessThanOrEqualTo(DhtConfig.defaults().maxQueriesPerLookup());
			if (result.peers().contains(expected)) {
				found++;
			}
		}
		// findPeers also counts the announce stored on the looking node itself
		for (int i = 0; i < NODES; i++) {
			if (i != NODES / 2) {
				assertThat(nodes.get(i).findPeers(infohash).get(60, TimeUnit.SECONDS)).as("node %d", i)
					.contains(expected);
			}
		}
		long done = System.nanoTime();
		queries.sort(null);
		System.out.printf("DHT simulation: %d nodes started in %d ms, healthy after %d ms, lookups done after %d ms;"
				+ " get_peers found the announce remotely in %d/%d lookups; queries per lookup median %d, max %d%n",
				NODES, ms(allStarted - started), ms(healthy - started), ms(done - started), found, lookups.size(),
				queries.get(queries.size() / 2), queries.get(queries.size() - 1));
		long malformed = this.metrics.stream().mapToLong((m) -> m.get(DhtMetrics.PACKETS_MALFORMED)).sum();
		assertThat(malformed).isZero();
	}

	private static long ms(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

}
