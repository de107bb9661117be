package io.librats.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.librats.RatsClient;
import io.librats.config.RatsConfig;

/**
 * Transport experiment {@code idle}, as upstream's {@code bench_idle}: 32 peers, each a whole node of its own (so a
 * figure per peer covers both ends of its connection and the peer node itself), connected to one listening node and
 * then left alone for 3 s. Reports the whole process' CPU in that window as a percentage of one core, and memory per
 * peer: the resident set's growth (as upstream reads it, split by {@link #memoryRows}), and the live heap and direct
 * buffers after full GCs.
 *
 * <p>Measured twice. With default threads every node of the process, the listening one included, runs on the JVM's
 * one shared set of rats threads. With threads of its own, a peer node runs with
 * {@code ioThreads=1, handlerThreads=1}, the counterpart of upstream's one reactor thread per node, and
 * {@link #measureThreadFloor} shows what such a thread alone costs. The 32 peers connect and leave
 * {@value #WARMUP_ROUNDS} times first, which loads classes, compiles and lets the heap settle; the round after that is
 * measured, so the figures hold the peers and not the JVM's one-time costs.
 */
final class IdlePeers {

	static final int PEERS = 32;

	/** Where the floor threads' work goes, so that the JIT cannot drop it. */
	static volatile int sink;

	static final Duration WINDOW = Duration.ofSeconds(3);

	/**
	 * Rounds of 32 peers connecting and leaving before the measured one, and then a wait for the JIT: with one round
	 * the JIT was still compiling the connect path in the measured round, and its code cache and compiler arenas
	 * (about 20 KiB and 9 KiB per peer) read as the peers' memory.
	 */
	static final int WARMUP_ROUNDS = 3;

	/** At most this long for the JIT to finish compiling what connecting the peers made hot, before the window. */
	static final double JIT_IDLE_WAIT_SECONDS = 15;

	/**
	 * The window starts no sooner than this after the last peer connected: a node saves the peers it learnt every
	 * 5 s ({@code RatsClient}), once after connecting and then never while nothing changes.
	 */
	static final Duration AFTER_CONNECT = Duration.ofMillis(5500);

	private IdlePeers() {
	}

	/**
	 * Waits for the steady state that idling means: one-time work after connecting (saving the new known peers, the
	 * JIT compiling what connecting made hot) done, and the machine quiet. A native program has no JIT to wait for.
	 */
	private static void settle(long connectedNanos) {
		long left = connectedNanos + AFTER_CONNECT.toNanos() - System.nanoTime();
		if (left > 0) {
			Memory.sleep(left / 1_000_000);
		}
		Cpu.awaitJitIdle(JIT_IDLE_WAIT_SECONDS);
		Cpu.awaitQuiet();
	}

	static void measure(TransportOptions options, Env env, boolean shared, Map<String, Double> out) {
		String key = shared ? "idle.shared" : "idle";
		UnaryOperator<RatsConfig.Builder> threads = shared ? UnaryOperator.identity()
				: (b) -> b.ioThreads(1).handlerThreads(1);
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start(shared ? (b) -> b.maxPeers(PEERS + 16)
					: (b) -> b.maxPeers(PEERS + 16).sharedThreads(false));
			if (server.config().sharedThreads() != shared) {
				throw new IllegalStateException("the listening node does not run on the threads this run measures");
			}
			for (int round = 0; round < WARMUP_ROUNDS; round++) {
				stopAll(connectPeers(env, server, threads), server);
			}
			Cpu.awaitJitIdle(JIT_IDLE_WAIT_SECONDS);
			long heap0 = Memory.heapUsedAfterGc();
			long live0 = Memory.liveHeap();
			long direct0 = Memory.direct().totalDirect();
			int threads0 = ManagementFactory.getThreadMXBean().getThreadCount();
			Memory.Resident rss0 = Memory.resident();
			List<RatsClient> peers = connectPeers(env, server, threads);
			long connected = System.nanoTime();
			try {
				Memory.Resident rss1 = Memory.resident();
				long heap1 = Memory.heapUsedAfterGc();
				long live1 = Memory.liveHeap();
				long direct1 = Memory.direct().totalDirect();
				int threads1 = ManagementFactory.getThreadMXBean().getThreadCount();
				settle(connected);
				Cpu.Sample s0 = Cpu.sample();
				Memory.sleep(WINDOW.toMillis());
				Cpu.Usage u = Cpu.sample().since(s0);
				if (server.peerCount() != PEERS) {
					throw new IllegalStateException("only " + server.peerCount() + " of " + PEERS
							+ " peers still connected after the idle window");
				}
				double cpuPercent = 100 * u.processCoresWithoutJitOrCaller();
				Table table = new Table("per peer (" + PEERS + " peers, each a whole node, "
						+ (shared ? "with default threads: all share the JVM's rats threads" : "threads of its own")
						+ ")", "KiB");
				memoryRows(table, key, rss0, rss1, live1 - live0, heap1 - heap0, direct1 - direct0, out);
				table.print(System.out);
				System.out.printf("threads: %d -> %d (%s per peer node); idle window %.2f s: %s%% of a core without the "
						+ "JIT compiler threads and the measuring thread, %s%% with them, of which HotSpot's periodic threads "
						+ "%s%% and rats' threads %s%% (JIT %.2f s, GC %.2f s, %s%% kernel), other processes %s cores; "
						+ "busiest other threads: %s%n",
						threads0, threads1,
						Table.num((threads1 - threads0) / (double) PEERS), u.wall(), Table.num(cpuPercent),
						Table.num(100 * u.processCores()), Table.num(100 * u.housekeepingCores()),
						Table.num(100 * u.ratsCores()), u.jit(), u.gc(),
						Table.num(100 * u.kernelShare()), Table.num(u.foreignCores()), u.busiestOtherThreads(4));
				out.put(key + ".cpu", cpuPercent);
				out.put(key + ".cpu.all", 100 * u.processCores());
				out.put(key + ".cpu.jvm", 100 * u.housekeepingCores());
				out.put(key + ".cpu.rats", 100 * u.ratsCores());
			}
			finally {
				stopAll(peers, server);
			}
		}
	}

	/**
	 * The same 32 idle peers as minimal clients in a second JVM ({@link ThinPeerClients}: real preamble, Noise XX,
	 * HELLO, PONG), so that everything this process gains is what one listening rats node pays per connected peer.
	 */
	static void measurePerConnection(Env env, Map<String, Double> out) throws Exception {
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start((b) -> b.maxPeers(PEERS + 16));
			try (ChildProcess child = new ChildProcess(List.of("-XX:+UseSerialGC", "-Xmx256m"), List.of(
					ThinPeerClients.COMMAND, Nodes.LOOPBACK, String.valueOf(server.listenPort()), env.aead.name(),
					server.config().protocolId()))) {
				child.call(null, "READY", Duration.ofSeconds(30));
				child.call("open " + PEERS, "OPENED", Duration.ofMinutes(1));
				Nodes.await(() -> server.peerCount() == PEERS, Duration.ofSeconds(30), "warm-up peers");
				child.call("close", "CLOSED", Duration.ofMinutes(1));
				Nodes.await(() -> server.peerCount() == 0, Duration.ofSeconds(30), "warm-up peers to leave");
				long heap0 = Memory.heapUsedAfterGc();
				long live0 = Memory.liveHeap();
				long direct0 = Memory.direct().totalDirect();
				Memory.Resident rss0 = Memory.resident();
				child.call("open " + PEERS, "OPENED", Duration.ofMinutes(1));
				Nodes.await(() -> server.peerCount() == PEERS, Duration.ofSeconds(30), PEERS + " peers");
				long connected = System.nanoTime();
				Memory.Resident rss1 = Memory.resident();
				long heap1 = Memory.heapUsedAfterGc();
				long live1 = Memory.liveHeap();
				long direct1 = Memory.direct().totalDirect();
				Table table = new Table("per peer (" + PEERS + " peers in another JVM: what the listening node pays)",
						"KiB");
				memoryRows(table, "idle.conn", rss0, rss1, live1 - live0, heap1 - heap0, direct1 - direct0, out);
				table.print(System.out);
				settle(connected);
				Cpu.Sample s0 = Cpu.sample();
				Memory.sleep(WINDOW.toMillis());
				Cpu.Usage u = Cpu.sample().since(s0);
				double cpuPercent = 100 * u.processCoresWithoutJitOrCaller();
				System.out.printf("%d peers in another JVM: idle window %.2f s: %s%% of a core without the JIT compiler "
						+ "threads and the measuring thread, %s%% with them (JIT %.2f s); busiest other threads: %s%n", PEERS,
						u.wall(), Table.num(cpuPercent), Table.num(100 * u.processCores()), u.jit(),
						u.busiestOtherThreads(4));
				out.put("idle.conn.cpu", cpuPercent);
				out.put("idle.conn.cpu.all", 100 * u.processCores());
				out.put("idle.conn.cpu.jvm", 100 * u.housekeepingCores());
				out.put("idle.conn.cpu.rats", 100 * u.ratsCores());
				child.call("close", "CLOSED", Duration.ofMinutes(1));
			}
		}
	}

	/**
	 * The floor under a node with threads of its own: what one platform thread costs in resident memory once it has
	 * run Java code, measured on {@value #PEERS} threads that compute a little and then wait. HotSpot touches a
	 * thread's whole stack shadow zone ({@code StackShadowPages}, 20 pages on x86-64 and no fewer than 10) the first
	 * time the thread calls an interpreted method, so no JVM thread stays as small as a native reactor thread.
	 */
	static void measureThreadFloor(Map<String, Double> out) throws InterruptedException {
		parkedThreads();
		long rss0 = Memory.resident().nativeData();
		long rss1 = parkedThreads();
		double perThread = (rss1 - rss0) / 1024.0 / PEERS;
		System.out.printf("baseline: a platform thread that ran Java code and waits: %s KiB of native data resident "
				+ "(StackShadowPages=%s)%n", Table.num(perThread), vmOption("StackShadowPages"));
		out.put("idle.thread.rss", perThread);
	}

	/** Starts {@value #PEERS} threads that compute and wait, reads the resident set while they wait, ends them. */
	private static long parkedThreads() throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(PEERS);
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < PEERS; i++) {
			Thread t = new Thread(() -> {
				sink = IntStream.range(0, 1000).map(Integer::reverse).sum();
				ready.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "thread-floor-" + i);
			t.setDaemon(true);
			t.start();
			threads.add(t);
		}
		try {
			if (!ready.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("threads did not start");
			}
			return Memory.resident().nativeData();
		}
		finally {
			release.countDown();
			for (Thread t : threads) {
				t.join(10_000);
			}
		}
	}

	private static String vmOption(String name) {
		try {
			return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
				.getVMOption(name).getValue();
		}
		catch (RuntimeException ex) {
			return "?";
		}
	}

	/**
	 * The memory rows of one measurement, per peer. Upstream's measure is the growth of the resident set; on a JVM that
	 * growth also holds heap pages G1 happened to touch for the first time while the peers connected, which depends on
	 * the collector's sizing, not on the peers (the same run reads anywhere from 0 to 200 KiB), and the code the JIT
	 * compiled meanwhile, one-time work a native program does not have (as the CPU rows leave out the JIT's threads).
	 * So the goal row counts the growth of native data (stacks, malloc, direct buffers, class metadata) plus the objects
	 * alive on the heap after a full GC ({@link Memory#liveHeap}).
	 */
	private static void memoryRows(Table table, String key, Memory.Resident rss0, Memory.Resident rss1, long liveHeap,
			long usedHeap, long direct, Map<String, Double> out) {
		long nativeData = rss1.nativeData() - rss0.nativeData();
		table.row("resident set growth as read (upstream's measure)", kib(rss1.total() - rss0.total()));
		table.row("  of which Java heap pages", kib(rss1.heap() - rss0.heap()));
		table.row("  of which JIT code cache", kib(rss1.code() - rss0.code()));
		table.row("  of which file mappings (library and JDK code first run)", kib(rss1.files() - rss0.files()));
		table.row("  of which native data (stacks, malloc, direct buffers, class metadata)", kib(nativeData));
		table.row("Java heap live after a full GC (class histogram)", kib(liveHeap));
		table.row("Java heap in use after full GCs (G1's count, regions filled to their tops)", kib(usedHeap));
		table.row("direct buffers (JDK pool + Netty cleaner-less; part of native data)", kib(direct));
		table.row("resident per peer: native data + live heap", kib(nativeData + liveHeap));
		out.put(key + ".rss", (nativeData + liveHeap) / 1024.0 / PEERS);
		out.put(key + ".rss.raw", (rss1.total() - rss0.total()) / 1024.0 / PEERS);
		out.put(key + ".heap", (liveHeap + direct) / 1024.0 / PEERS);
	}

	private static String kib(long bytes) {
		return Table.num(bytes / 1024.0 / PEERS);
	}

	private static List<RatsClient> connectPeers(Env env, RatsClient server, UnaryOperator<RatsConfig.Builder> threads) {
		List<RatsClient> peers = new ArrayList<>();
		for (int i = 0; i < PEERS; i++) {
			RatsClient peer = Nodes.create(env, threads);
			peers.add(peer);
			peer.start();
			peer.connectToPeer(Nodes.LOOPBACK, server.listenPort());
		}
		Nodes.await(() -> server.peerCount() == PEERS, Duration.ofSeconds(30), PEERS + " peers to connect");
		return peers;
	}

	private static void stopAll(List<RatsClient> peers, RatsClient server) {
		peers.forEach(RatsClient::stop);
		Nodes.await(() -> server.peerCount() == 0, Duration.ofSeconds(10), "the server to retire its peers");
	}

}
