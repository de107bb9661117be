package io.librats.benchmarks.dht;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.dht.DhtConfig;
import io.librats.dht.DhtMetrics;
import io.librats.dht.DhtNode;
import io.librats.dht.DhtStats;
import io.librats.dht.UdpBinding;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A loopback network of our DHT nodes (default 1,000), each on its own 127.41.x.y address, sharing one event loop
 * group, all joined through node 0. Measures: time to a healthy network, get_peers lookup time (median, p95),
 * queries per lookup, get_peers success rate, and the heap that routing tables and peer stores take per node.
 *
 * <p>Run: {@code java -cp <rats-core and benchmarks classpath> io.librats.benchmarks.dht.DhtBenchmark
 * [nodes] [lookups] [threads]}; see docs/dht.md. Only loopback addresses are used.
 */
public final class DhtBenchmark {

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private DhtBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int nodeCount = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		int lookupCount = (args.length > 1) ? Integer.parseInt(args[1]) : 500;
		int threads = (args.length > 2) ? Integer.parseInt(args[2]) : 2;
		Random random = new Random(20240501);
		UdpBinding binding = UdpBinding.select(true);
		EventLoopGroup group = binding.newEventLoopGroup(threads, new DefaultThreadFactory("dht-bench", true));
		List<DhtNode> nodes = new ArrayList<>();
		System.out.printf("DHT benchmark: %d nodes, %d lookups, %d event loop threads (%s), %d cores, jdk %s%n",
				nodeCount, lookupCount, threads, binding.name(), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.runtime.version"));
		try {
			// 1. start every node alone (no bootstrap), so the heap of empty nodes can be measured
			for (int i = 0; i < nodeCount; i++) {
				DhtConfig config = DhtConfig.builder().bindAddress(address(i)).port(0).build();
				nodes.add(DhtNode.builder(config).eventLoops(binding, group).build().start());
			}
			long emptyHeap = heapAfterGc();

			// 2. every node joins through node 0 only, JOIN_BATCH at a time (a thousand simultaneous pings would
			// overflow node 0's socket receive buffer, which no real bootstrap node sees either)
			long joinStart = System.nanoTime();
			InetSocketAddress seed = nodes.get(0).localAddress();
			for (int first = 1; first < nodeCount; first += JOIN_BATCH) {
				List<CompletableFuture<?>> joins = new ArrayList<>();
				for (int i = first; i < Math.min(nodeCount, first + JOIN_BATCH); i++) {
					joins.add(join(nodes.get(i), seed, 3));
				}
				CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
			}
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
			int healthy = 0;
			while (System.nanoTime() < deadline) {
				healthy = 0;
				for (DhtNode node : nodes) {
					DhtStats stats = node.stats();
					if (stats.nodes() >= 16 && stats.good() == stats.nodes()) {
						healthy++;
					}
				}
				if (healthy == nodeCount) {
					break;
				}
				TimeUnit.MILLISECONDS.sleep(200); // polling a benchmark, not waiting for an event in a test
			}
			double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
			System.out.printf("joined: %d/%d nodes healthy (>= 16 good nodes) after %.1f s%n", healthy, nodeCount,
					joinSeconds);
			quiesce(nodes);

			// 3. announces: one infohash per lookup, each announced by a random node
			List<byte[]> infohashes = new ArrayList<>();
			List<Integer> announcers = new ArrayList<>();
			for (int i = 0; i < lookupCount; i++) {
				byte[] infohash = new byte[20];
				random.nextBytes(infohash);
				int announcer = random.nextInt(nodeCount);
				infohashes.add(infohash);
				announcers.add(announcer);
				nodes.get(announcer).announce(infohash, 10000 + i).get(60, TimeUnit.SECONDS);
			}
			quiesce(nodes);
			long fullHeap = heapAfterGc();

			// 4. lookups, one at a time, from random other nodes
			List<Double> millis = new ArrayList<>();
			List<Long> queries = new ArrayList<>();
			int found = 0;
			for (int i = 0; i < lookupCount; i++) {
				int from;
				do {
					from = random.nextInt(nodeCount);
				}
				while (from == announcers.get(i));
				DhtNode node = nodes.get(from);
				long before = node.metrics().get(DhtMetrics.QUERIES_OUT);
				long start = System.nanoTime();
				List<InetSocketAddress> peers = node.findPeers(infohashes.get(i)).get(60, TimeUnit.SECONDS);
				millis.add((System.nanoTime() - start) / 1e6);
				queries.add(node.metrics().get(DhtMetrics.QUERIES_OUT) - before);
				if (peers.contains(new InetSocketAddress(address(announcers.get(i)), 10000 + i))) {
					found++;
				}
			}
			millis.sort(null);
			queries.sort(null);
			long stored = 0;
			long tableNodes = 0;
			for (DhtNode node : nodes) {
				DhtStats stats = node.stats();
				stored += stats.storedPeers();
				tableNodes += stats.nodes();
			}
			System.out.printf("get_peers lookups: %d, success %.1f %%%n", lookupCount, 100.0 * found / lookupCount);
			System.out.printf("lookup time: median %.1f ms, p95 %.1f ms, max %.1f ms%n", percentile(millis, 50),
					percentile(millis, 95), millis.get(millis.size() - 1));
			System.out.printf("queries per lookup: median %d, p95 %d, max %d%n", queries.get(queries.size() / 2),
					queries.get((int) Math.min(queries.size() - 1, Math.ceil(queries.size() * 0.95) - 1)),
					queries.get(queries.size() - 1));
			System.out.printf("routing table: %.1f nodes per node on average; peer store: %.1f peers per node%n",
					(double) tableNodes / nodeCount, (double) stored / nodeCount);
			System.out.printf("heap per node for routing table + peer store + bookkeeping: %.1f KiB "
					+ "(whole network %.1f MiB empty, %.1f MiB populated)%n",
					(fullHeap - emptyHeap) / 1024.0 / nodeCount, emptyHeap / 1048576.0, fullHeap / 1048576.0);
		}
		finally {
			for (DhtNode node : nodes) {
				node.close();
			}
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
		}
	}

	private static final int JOIN_BATCH = 50;

	/** Pings the seed (a few attempts) so it enters the table, then looks up our own id. */
	private static CompletableFuture<Void> join(DhtNode node, InetSocketAddress seed, int attempts) {
		return node.ping(seed).thenCompose((answered) -> (answered || attempts <= 1) ? node.bootstrap()
				: join(node, seed, attempts - 1));
	}

	private static String address(int index) {
		return "127.41." + (index / 250) + "." + (index % 250 + 1);
	}

	/** Waits until no node has a query outstanding (bounded). */
	private static void quiesce(List<DhtNode> nodes) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			boolean idle = true;
			for (DhtNode node : nodes) {
				if (node.stats().outstandingQueries() > 0) {
					idle = false;
					break;
				}
			}
			if (idle) {
				return;
			}
			TimeUnit.MILLISECONDS.sleep(100);
		}
	}

	private static long heapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			TimeUnit.MILLISECONDS.sleep(150);
			used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static double percentile(List<Double> sorted, int percent) {
		int index = (int) Math.ceil(sorted.size() * percent / 100.0) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

}
