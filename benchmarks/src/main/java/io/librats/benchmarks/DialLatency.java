package io.librats.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.config.RatsConfig;

/**
 * Transport experiment {@code dial}, as upstream's {@code bench_dial}: 25 dials to one listening node, each by a
 * fresh client node started before the clock starts; time from {@code connectToPeer} to the completion of its future
 * (TCP connect, preamble, Noise XX, HELLO both ways, admission); the first 2 dials are dropped; median and p95.
 *
 * <p>Upstream's binary is compiled ahead of time; a JVM compiles while it runs. So the 25 dials are measured after a
 * JIT warm-up of the same cycle ({@link #WARMUP_DIALS} dials, then until the compilers are idle), and the dials of
 * the cold JVM are reported beside them.
 *
 * <p>The fresh client node has threads of its own ({@code sharedThreads=false}), as upstream's fresh {@code Node} has
 * its reactor thread; the node starts them in {@code start()}, before the clock, but a new thread still pays its first
 * buffer allocations inside the dial. The same 25 dials are therefore also measured with every node on the JVM's
 * shared threads (the default), where a fresh node costs what a long-running node pays for another dial.
 */
final class DialLatency {

	static final int DIALS = 25;

	static final int DISCARDED = 2;

	/** Dials before the JIT-idle warm-up (see {@link #warmUpByCount}). */
	static final int WARMUP_DIALS = 1_000;

	private DialLatency() {
	}

	static void measure(TransportOptions options, Env env, Map<String, Double> out) {
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start(OWN_THREADS);
			double[] cold = dials(env, server, DIALS, OWN_THREADS);
			String counted = warmUpByCount(env, server);
			String warm = Cpu.warmUp(() -> dials(env, server, 20, OWN_THREADS), options.warmupSeconds,
					options.maxWarmupSeconds) + ", after " + counted;
			Cpu.awaitQuiet();
			Cpu.Sample s0 = Cpu.sample();
			double[] ms = dials(env, server, DIALS, OWN_THREADS);
			Cpu.Usage usage = Cpu.sample().since(s0);
			double[] shared = sharedThreadDials(options, env);
			Table table = new Table("dials", "median ms", "p95 ms", "max ms", "n");
			row(table, "cold JVM (the process' first dials; info)", cold);
			row(table, "after JIT warm-up (" + warm + "), client with threads of its own", ms);
			row(table, "after JIT warm-up, every node on shared threads", shared);
			table.print(System.out);
			System.out.printf("measured dials: JVM %s cores busy, JIT %.2f s, other processes %s cores%n",
					Table.num(usage.processCores()), usage.jit(), Table.num(usage.foreignCores()));
			out.put("dial.p50", Spin.percentile(ms, 0.5));
			out.put("dial.p95", Spin.percentile(ms, 0.95));
			out.put("dial.cold.p50", Spin.percentile(cold, 0.5));
			out.put("dial.shared.p50", Spin.percentile(shared, 0.5));
			out.put("dial.shared.p95", Spin.percentile(shared, 0.95));
		}
	}

	/**
	 * Runs {@link #WARMUP_DIALS} dials of the measured kind before the JIT-idle warm-up. A dial runs most of its code
	 * once or a few times, so C2 compiles that code only after hundreds of dials; until then it runs as profiled C1
	 * code while the compilers sit idle, and a warm-up that stops when they first look idle stops too early. On
	 * Temurin 25 that gave own-thread medians of 1.3-2.6 ms after 5-12 s of warm-up, against 1.26-1.27 ms after
	 * these dials.
	 */
	private static String warmUpByCount(Env env, RatsClient server) {
		long t0 = System.nanoTime();
		for (int done = 0; done < WARMUP_DIALS; done += 50) {
			dials(env, server, 50, OWN_THREADS);
		}
		return String.format(Locale.ROOT, "%d dials (%.0f s)", WARMUP_DIALS, (System.nanoTime() - t0) / 1e9);
	}

	private static void row(Table table, String label, double[] ms) {
		table.row(label, Table.num(Spin.percentile(ms, 0.5)), Table.num(Spin.percentile(ms, 0.95)),
				Table.num(Spin.percentile(ms, 1)), ms.length);
	}

	private static final UnaryOperator<RatsConfig.Builder> OWN_THREADS = (b) -> b.sharedThreads(false);

	private static final UnaryOperator<RatsConfig.Builder> SHARED_THREADS = UnaryOperator.identity();

	private static double[] sharedThreadDials(TransportOptions options, Env env) {
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start(SHARED_THREADS);
			Cpu.warmUp(() -> dials(env, server, 20, SHARED_THREADS), options.warmupSeconds, options.maxWarmupSeconds);
			Cpu.awaitQuiet();
			return dials(env, server, DIALS, SHARED_THREADS);
		}
	}

	/** {@code count} dials, each by a new client node; returns the milliseconds of all but the first {@link #DISCARDED}. */
	private static double[] dials(Env env, RatsClient server, int count, UnaryOperator<RatsConfig.Builder> threads) {
		double[] ms = new double[count - DISCARDED];
		for (int i = 0; i < count; i++) {
			RatsClient client = Nodes.create(env, threads);
			client.start();
			try {
				long t0 = System.nanoTime();
				CompletableFuture<ConnectionAttemptResult> dial = client.connectToPeer(Nodes.LOOPBACK,
						server.listenPort());
				Spin.awaitOrFail(dial::isDone, Duration.ofSeconds(10), "a dial to complete");
				long t1 = System.nanoTime();
				ConnectionAttemptResult result = dial.join();
				if (!result.success()) {
					throw new IllegalStateException("dial failed: " + result.error());
				}
				if (i >= DISCARDED) {
					ms[i - DISCARDED] = (t1 - t0) / 1e6;
				}
			}
			finally {
				client.stop();
			}
			// As upstream: let the server retire the peer so the next dial never races a teardown.
			Nodes.await(() -> server.peerCount() == 0, Duration.ofSeconds(2), "the server to retire the peer");
		}
		return ms;
	}

}
