package io.librats.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.UnixOperatingSystemMXBean;
import io.librats.RatsClient;

/**
 * (d) Memory per idle encrypted connection on the accepting node. One ordinary {@code RatsClient} server in this
 * JVM; thousands of distinct client identities in a second JVM ({@link ThinPeerClients}), each dialing the server
 * once, so the server's heap holds only the server's side. Heap is measured after several full GCs before the
 * connections, once all are admitted, and again after every connection went through a ping round; direct memory
 * from the JDK's "direct" buffer pool, Netty's own counter and the default allocator's metric.
 */
final class IdleConnectionsExperiment {

	static final double GOAL_BYTES = 16 * 1024;

	static final Duration PING_INTERVAL = Duration.ofSeconds(5);

	static final int WARMUP_CONNECTIONS = 200;

	private static final Pattern OPENED = Pattern.compile("OPENED ok=(\\d+) failed=(\\d+) open=(\\d+) seconds=([\\d.]+)"
			+ " firstFailure=(.*)");

	record Snapshot(long heap, long liveBytes, Map<String, long[]> histogram, Memory.Direct direct, int threads,
			long openFiles) {
	}

	List<Result> run(Options options, Env env) throws Exception {
		List<Result> results = new ArrayList<>();
		int wanted = options.idleConnections;
		long fdLimit = fdLimit();
		long fdsNeeded = wanted + 500L;
		if (fdLimit > 0 && fdLimit < fdsNeeded) {
			int reduced = (int) Math.max(100, fdLimit - 500);
			System.out.printf("%nWARNING: open-file limit is %d, %d connections need about %d descriptors in each JVM;"
					+ " measuring %d connections instead. Raise it with 'ulimit -n 65536' before java.%n", fdLimit,
					wanted, fdsNeeded, reduced);
			wanted = reduced;
		}
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start((b) -> b.maxPeers(options.idleConnections + 100)
				.pingInterval(PING_INTERVAL)
				.peerTimeout(Duration.ofSeconds(60))
				.handshakeTimeout(Duration.ofSeconds(30)));
			List<String> childFlags = List.of("-XX:+UseSerialGC", "-Xms1g");
			try (ChildProcess child = new ChildProcess(childFlags, List.of(ThinPeerClients.COMMAND, Nodes.LOOPBACK,
					String.valueOf(server.listenPort()), env.aead.name(), server.config().protocolId()))) {
				child.call(null, "READY", Duration.ofSeconds(30));
				Map<String, Object> specific = new LinkedHashMap<>();
				specific.put("server", "1 RatsClient in this JVM: maxPeers " + server.config().maxPeers()
						+ ", pingInterval " + PING_INTERVAL.toSeconds() + " s (default 15 s, shortened so a ping round "
						+ "fits the run), peerTimeout 60 s, other settings default");
				specific.put("clients", wanted + " distinct identities in a second JVM (" + child.commandLine()
						.replaceAll(" -jar .*| -cp .*", " ...") + "): minimal peers speaking the real protocol "
						+ "(preamble, Noise XX via rats' NoiseHandshakeHandler, HELLO, PONG), <= 64 dials in flight");
				specific.put("open-file limit", (fdLimit > 0) ? fdLimit + " (this JVM)" : "unknown");
				specific.put("message size", "none: connections are idle apart from PING/PONG (8-byte bodies)");
				specific.put("measure", "heap used after 4x System.gc() (MemoryMXBean) and live bytes from a class "
						+ "histogram (GC.class_histogram); before = after " + WARMUP_CONNECTIONS
						+ " warm-up connections were opened and closed");
				env.printSettings("(d) memory per idle encrypted connection", server.transportName(), specific);

				// Warm-up: load classes, create allocator arenas and thread caches, JIT the handshake.
				child.call("open " + WARMUP_CONNECTIONS, "OPENED", Duration.ofMinutes(2));
				Nodes.await(() -> server.peerCount() == WARMUP_CONNECTIONS, Duration.ofSeconds(30), "warm-up peers");
				child.call("close", "CLOSED", Duration.ofMinutes(1));
				Nodes.await(() -> server.peerCount() == 0, Duration.ofSeconds(30), "warm-up peers to leave");
				Memory.sleep(500);
				Snapshot before = snapshot();

				Cpu.Sample s0 = Cpu.sample();
				String opened = child.call("open " + wanted, "OPENED", Duration.ofMinutes(5));
				Cpu.Usage openCpu = Cpu.sample().since(s0);
				Matcher m = OPENED.matcher(opened);
				if (!m.find()) {
					throw new IllegalStateException("unexpected reply " + opened);
				}
				int ok = Integer.parseInt(m.group(1));
				int failed = Integer.parseInt(m.group(2));
				double openSeconds = Double.parseDouble(m.group(4));
				Nodes.await(() -> server.peerCount() >= ok, Duration.ofSeconds(30), "all peers admitted");
				int handshaken = server.peerCount();
				System.out.printf("%d connections handshaken (server peerCount %d, client side ok=%d failed=%d%s) in "
						+ "%.2f s = %s conn/s (both ends share the 2 cores); server JVM during the opening: %.2f s CPU "
						+ "(%.0f%% kernel), GC %.2f s, other processes (the client JVM included) %s cores%n", handshaken, handshaken, ok,
						failed, failed > 0 ? ", first failure " + m.group(5) : "", openSeconds,
						Table.num(ok / openSeconds), openCpu.process(), 100 * openCpu.kernelShare(), openCpu.gc(),
						Table.num(openCpu.foreignCores()));
				Snapshot connected = snapshot();
				Memory.sleep(PING_INTERVAL.toMillis() + 2000);
				int stillConnected = server.peerCount();
				Snapshot pinged = snapshot();
				String stats = child.call("stats", "STATS", Duration.ofSeconds(10));
				System.out.printf("after the ping round: %d peers still connected; client says %s%n%n", stillConnected,
						stats);

				int n = handshaken;
				Table table = new Table("measure", "before", "all connected", "after ping round",
						"per conn (connected)", "per conn (after ping)");
				row(table, "heap used after GC", before.heap, connected.heap, pinged.heap, n);
				row(table, "live objects (class histogram)", before.liveBytes, connected.liveBytes, pinged.liveBytes, n);
				row(table, "JDK direct buffer pool", before.direct.jdkDirectBytes(), connected.direct.jdkDirectBytes(),
						pinged.direct.jdkDirectBytes(), n);
				row(table, "Netty cleaner-less direct (PlatformDependent)", before.direct.nettyDirectCounter(),
						connected.direct.nettyDirectCounter(), pinged.direct.nettyDirectCounter(), n);
				row(table, "ByteBufAllocator.DEFAULT used heap", before.direct.defaultAllocatorHeap(),
						connected.direct.defaultAllocatorHeap(), pinged.direct.defaultAllocatorHeap(), n);
				row(table, "ByteBufAllocator.DEFAULT used direct", before.direct.defaultAllocatorDirect(),
						connected.direct.defaultAllocatorDirect(), pinged.direct.defaultAllocatorDirect(), n);
				row(table, "PooledByteBufAllocator.DEFAULT used direct", before.direct.pooledDirect(),
						connected.direct.pooledDirect(), pinged.direct.pooledDirect(), n);
				table.row("threads", before.threads, connected.threads, pinged.threads);
				table.row("open file descriptors", before.openFiles, connected.openFiles, pinged.openFiles);
				table.print(System.out);
				printTopClasses(before.histogram, pinged.histogram, n);

				double heapPerConn = Math.max(connected.heap - before.heap, pinged.heap - before.heap) / (double) n;
				double directPerConn = Math.max(connected.direct.totalDirect() - before.direct.totalDirect(),
						pinged.direct.totalDirect() - before.direct.totalDirect()) / (double) n;
				System.out.printf("%nheap per idle encrypted connection (larger of the two states): %s; direct: %s%n",
						Table.kib(heapPerConn), Table.kib(directPerConn));
				results.add(new Result("idle", "heap bytes per idle encrypted connection, " + n + " conns (server side)",
						heapPerConn, Double.NaN, "≤16 KiB (16,384)", heapPerConn <= GOAL_BYTES));
				results.add(new Result("idle", "direct bytes per idle connection (JDK pool + Netty counter)",
						directPerConn, Double.NaN, "(info)", null));
				double serverMillis = openCpu.process() * 1e3 / Math.max(1, ok);
				System.out.printf("server-side CPU per accepted connection: %.2f ms, i.e. at most ~%s accepts/s on %d "
						+ "cores if the dialers ran elsewhere (an extrapolation, not a measurement)%n", serverMillis,
						Table.num(Cpu.cores() * 1e3 / serverMillis), Cpu.cores());
				results.add(new Result("idle", "server-side CPU ms per accepted connection (while opening them)",
						serverMillis, Double.NaN, "(info)", null));
				child.call("close", "CLOSED", Duration.ofMinutes(1));
			}
		}
		return results;
	}

	private static Snapshot snapshot() {
		long heap = Memory.heapUsedAfterGc();
		Map<String, long[]> histogram = Memory.classHistogram();
		long live = histogram.values().stream().mapToLong((v) -> v[1]).sum();
		long files = -1;
		if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
			files = unix.getOpenFileDescriptorCount();
		}
		return new Snapshot(heap, live, histogram, Memory.direct(),
				ManagementFactory.getThreadMXBean().getThreadCount(), files);
	}

	private static long fdLimit() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return -1;
	}

	private static void row(Table table, String what, long before, long connected, long pinged, int n) {
		table.row(what, mib(before), mib(connected), mib(pinged), Table.kib((connected - before) / (double) n),
				Table.kib((pinged - before) / (double) n));
	}

	private static String mib(long bytes) {
		return (bytes < 0) ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
	}

	/** The classes whose live bytes grew most, per connection: where the memory goes. */
	private static void printTopClasses(Map<String, long[]> before, Map<String, long[]> after, int n) {
		if (after.isEmpty()) {
			return;
		}
		Set<String> names = new HashSet<>(after.keySet());
		List<String> top = names.stream()
			.sorted(Comparator.comparingLong((String c) -> -(after.get(c)[1] - before.getOrDefault(c, new long[2])[1])))
			.limit(15)
			.toList();
		System.out.println();
		System.out.println("largest live-heap growth by class (after ping round minus before), per connection:");
		Table table = new Table("class", "instances/conn", "bytes/conn");
		for (String name : top) {
			long[] b = before.getOrDefault(name, new long[2]);
			long[] a = after.get(name);
			table.row(name, Table.num((a[0] - b[0]) / (double) n), Table.num((a[1] - b[1]) / (double) n));
		}
		table.print(System.out);
	}

}
