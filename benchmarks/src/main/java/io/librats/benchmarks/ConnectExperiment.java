package io.librats.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.transport.PeerInfo;

/**
 * (c) Connection set-up: latency of one sequential {@code connectToPeer} (TCP connect, preamble, Noise XX, HELLO
 * both ways, admission) and the sustained rate of new connections when several client nodes dial one server at once.
 *
 * <p>A client node holds at most one connection to a given server (peers are keyed by id), so the rate test is a
 * closed loop: each client node dials, and on success disconnects, waits until the server has seen it leave, and
 * dials again. The rate counts successful {@link ConnectionAttemptResult}s per second; the disconnects are part of
 * the work done in that time. There is no separate baseline: the goals are absolute.
 */
final class ConnectExperiment {

	static final double GOAL_P50_MS = 5;

	static final double GOAL_RATE = 1000;

	List<Result> run(Options options, Env env) throws Exception {
		List<Result> results = new ArrayList<>();
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start();
			RatsClient client = nodes.start();
			Semaphore serverSawLeave = new Semaphore(0);
			Semaphore clientSawLeave = new Semaphore(0);
			server.addConnectionListener(leaveCounter(serverSawLeave));
			client.addConnectionListener(leaveCounter(clientSawLeave));

			Map<String, Object> specific = new LinkedHashMap<>();
			specific.put("latency test", "warm-up of at least " + options.connectWarmup + " cycles and "
					+ options.warmupSeconds + " s, until 50 cycles pass with the JIT compilers idle (at most "
					+ options.maxWarmupSeconds + " s), then " + options.samples + " measured "
					+ "sequential connectToPeer(127.0.0.1) + disconnectPeer; the next dial starts after both sides "
					+ "reported the disconnection; time = call to completion of the returned future");
			specific.put("rate test", options.dialers + " client nodes (ioThreads=1, handlerThreads=1) dial one server "
					+ "(maxPeers 10,000) in a closed loop: dial, disconnect, await the server's disconnect event, "
					+ "dial again; warm-up " + Env.warmUpRule(options) + ", then " + options.rounds + " x "
					+ options.seconds + " s windows, best reported");
			specific.put("handshake", "TCP + 8-byte preamble each way + Noise XX (3 messages, 4 X25519 "
					+ "operations per side incl. the ephemeral key) + HELLO each way");
			env.printSettings("(c) connect + handshake latency and connection rate", server.transportName(), specific);

			// --- sequential latency --------------------------------------------------------------------------
			// JIT warm-up of the handshake cryptography that rats and the in-memory baseline share (X25519 above all).
			new HandshakeBaseline(env.aead).perSecond(1);
			int[] counts = new int[2];
			long warmStart = System.nanoTime();
			boolean quiet = false;
			int warmCycles = 0;
			while (true) {
				Cpu.Sample w0 = Cpu.sample();
				for (int i = 0; i < 50; i++) {
					cycle(client, server, serverSawLeave, clientSawLeave, counts);
				}
				warmCycles += 50;
				quiet = Cpu.jitQuiet(Cpu.sample().since(w0));
				double elapsed = (System.nanoTime() - warmStart) / 1e9;
				if ((quiet && warmCycles >= options.connectWarmup && elapsed >= options.warmupSeconds)
						|| elapsed >= options.maxWarmupSeconds) {
					break;
				}
			}
			System.out.printf("warm-up: %d connect cycles in %.0f s%s%n", warmCycles,
					(System.nanoTime() - warmStart) / 1e9, quiet ? "" : " (JIT still compiling)");
			long[] latencies = new long[options.samples];
			long[] reported = new long[options.samples];
			Cpu.awaitQuiet();
			Cpu.Sample s0 = Cpu.sample();
			for (int i = 0; i < options.samples; i++) {
				long[] sample = cycle(client, server, serverSawLeave, clientSawLeave, counts);
				latencies[i] = sample[0];
				reported[i] = sample[1];
			}
			int handshaken = counts[0];
			int failures = counts[1];
			Cpu.Usage latencyCpu = Cpu.sample().since(s0);
			Arrays.sort(latencies);
			Arrays.sort(reported);
			Table table = new Table("measure", "p50 ms", "p90 ms", "p99 ms", "max ms", "n");
			table.row("connectToPeer -> future completed", ms(pct(latencies, 50)), ms(pct(latencies, 90)),
					ms(pct(latencies, 99)), ms(latencies[latencies.length - 1]), latencies.length);
			table.row("ConnectionAttemptResult.duration()", ms(pct(reported, 50)), ms(pct(reported, 90)),
					ms(pct(reported, 99)), ms(reported[reported.length - 1]), reported.length);
			HandshakeBaseline crypto = new HandshakeBaseline(env.aead);
			crypto.perSecond(1);
			Cpu.awaitQuiet();
			double xxMillis = 1e3 / crypto.perSecond(1);
			table.row("baseline: in-memory Noise XX, both sides, 1 thread", Table.num(xxMillis), "", "", "", "mean");
			table.print(System.out);
			System.out.printf("%d connections handshaken (incl. warm-up), %d failed; during the measured samples this "
					+ "JVM kept %s cores busy, %s ms CPU per connect+disconnect cycle (both ends, %s%% in the kernel; JIT "
					+ "compilers busy %.2f s, GC %.2f s of the %.2f s), other processes %s cores%n%n", handshaken,
					failures, Table.num(latencyCpu.processCores()),
					Table.num(latencyCpu.process() * 1e3 / options.samples), Table.num(100 * latencyCpu.kernelShare()),
					latencyCpu.jit(), latencyCpu.gc(), latencyCpu.wall(), Table.num(latencyCpu.foreignCores()));
			double p50 = pct(latencies, 50) / 1e6;
			double p99 = pct(latencies, 99) / 1e6;
			results.add(new Result("connect", "connect+handshake latency p50, ms (sequential; baseline: in-memory XX)",
					p50, xxMillis, "≤5 ms", p50 <= GOAL_P50_MS));
			results.add(new Result("connect", "connect+handshake latency p99, ms (sequential)", p99, Double.NaN,
					"(info)", null));

			// --- concurrent rate -----------------------------------------------------------------------------
			results.addAll(rate(options, nodes, env));
		}
		return results;
	}

	private List<Result> rate(Options options, Nodes nodes, Env env) throws InterruptedException {
		RatsClient server = nodes.start((b) -> b.maxPeers(10_000));
		Map<String, Semaphore> leaves = new ConcurrentHashMap<>();
		server.addConnectionListener(new ConnectionListener() {
			@Override
			public void onPeerDisconnected(PeerInfo peer, String reason) {
				Semaphore s = leaves.get(peer.peerId());
				if (s != null) {
					s.release();
				}
			}
		});
		List<RatsClient> clients = new ArrayList<>();
		for (int i = 0; i < options.dialers; i++) {
			RatsClient c = nodes.start((b) -> b.ioThreads(1).handlerThreads(1));
			leaves.put(c.peerId(), new Semaphore(0));
			clients.add(c);
		}
		AtomicLong successes = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicBoolean stop = new AtomicBoolean();
		List<Thread> threads = new ArrayList<>();
		for (RatsClient c : clients) {
			Semaphore leave = leaves.get(c.peerId());
			Thread t = new Thread(() -> {
				while (!stop.get()) {
					if (!running.get()) {
						// Paused while the baseline runs alone on the cores.
						synchronized (running) {
							try {
								running.wait(100);
							}
							catch (InterruptedException ex) {
								return;
							}
						}
						continue;
					}
					ConnectionAttemptResult r = c.connectToPeer(Nodes.LOOPBACK, server.listenPort()).join();
					if (!r.success()) {
						failures.incrementAndGet();
						firstError.compareAndSet(null, r.error());
						Memory.sleep(1);
						continue;
					}
					successes.incrementAndGet();
					c.disconnectPeer(r.peerId());
					try {
						if (!leave.tryAcquire(10, TimeUnit.SECONDS)) {
							firstError.compareAndSet(null, "server did not report the disconnect within 10 s");
						}
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "dialer-" + threads.size());
			t.setDaemon(true);
			threads.add(t);
		}
		threads.forEach(Thread::start);
		long warmStart = System.nanoTime();
		boolean quiet = false;
		while (true) {
			Cpu.Sample w0 = Cpu.sample();
			Memory.sleep(1000);
			quiet = Cpu.jitQuiet(Cpu.sample().since(w0));
			double elapsed = (System.nanoTime() - warmStart) / 1e9;
			if ((quiet && elapsed >= options.warmupSeconds) || elapsed >= options.maxWarmupSeconds) {
				break;
			}
		}
		System.out.printf("warm-up: %.0f s of dialing%s%n", (System.nanoTime() - warmStart) / 1e9,
				quiet ? "" : " (JIT still compiling)");
		HandshakeBaseline crypto = new HandshakeBaseline(env.aead);
		crypto.perSecond(1);
		Table table = new Table("window", "in-memory Noise XX/s, 1 thread (baseline)", "successful connects/s", "failed/s", "JVM cores busy", "CPU ms/conn",
				"kernel %", "GC s", "JIT s", "other procs' cores", "server peers now");
		double best = 0;
		double bestCrypto = 0;
		for (int round = 1; round <= options.rounds; round++) {
			running.set(false);
			Cpu.awaitQuiet();
			double xx = crypto.perSecond(1);
			bestCrypto = Math.max(bestCrypto, xx);
			running.set(true);
			synchronized (running) {
				running.notifyAll();
			}
			Memory.sleep(200);
			long ok0 = successes.get();
			long bad0 = failures.get();
			Cpu.Sample s0 = Cpu.sample();
			Memory.sleep((long) (options.seconds * 1000));
			Cpu.Usage u = Cpu.sample().since(s0);
			long ok = successes.get() - ok0;
			long bad = failures.get() - bad0;
			double rate = ok / u.wall();
			best = Math.max(best, rate);
			table.row(round, Table.num(xx), Table.num(rate), Table.num(bad / u.wall()), Table.num(u.processCores()),
					Table.num(u.process() * 1e3 / Math.max(1, ok)), Table.num(100 * u.kernelShare()), Table.num(u.gc()),
					Table.num(u.jit()), Table.num(u.foreignCores()), server.peerCount());
		}
		stop.set(true);
		running.set(false);
		synchronized (running) {
			running.notifyAll();
		}
		for (Thread t : threads) {
			t.join(15_000);
		}
		table.print(System.out);
		System.out.printf("%d connections handshaken in the rate test in total, %d failed attempts%s%n",
				successes.get(), failures.get(), (firstError.get() != null) ? " (first: " + firstError.get() + ")" : "");
		System.out.printf("best: %s connections/s; one thread completes %s in-memory Noise XX handshakes/s (both sides),"
				+ " so the %d cores could at most do %s/s if they did nothing but the handshake cryptography%n",
				Table.num(best), Table.num(bestCrypto), Cpu.cores(), Table.num(bestCrypto * Cpu.cores()));
		return List.of(new Result("connect", "new connections/s, " + options.dialers + " dialer nodes -> 1 server "
				+ "(baseline: in-memory XX/s, 1 thread)", best, bestCrypto, "≥1,000/s", best >= GOAL_RATE));
	}

	/** One sequential connect + disconnect; returns {wall nanos, reported nanos}, or {MAX, MAX} on failure. */
	private static long[] cycle(RatsClient client, RatsClient server, Semaphore serverSawLeave,
			Semaphore clientSawLeave, int[] counts) throws InterruptedException {
		long t0 = System.nanoTime();
		ConnectionAttemptResult result = client.connectToPeer(Nodes.LOOPBACK, server.listenPort()).join();
		long t1 = System.nanoTime();
		if (!result.success()) {
			counts[1]++;
			System.out.println("connect failed: " + result.error());
			return new long[] { Long.MAX_VALUE, Long.MAX_VALUE };
		}
		counts[0]++;
		client.disconnectPeer(result.peerId());
		acquire(serverSawLeave, "server to see the client leave");
		acquire(clientSawLeave, "client to see the server leave");
		return new long[] { t1 - t0, result.duration().toNanos() };
	}

	private static ConnectionListener leaveCounter(Semaphore semaphore) {
		return new ConnectionListener() {
			@Override
			public void onPeerDisconnected(PeerInfo peer, String reason) {
				semaphore.release();
			}
		};
	}

	private static void acquire(Semaphore semaphore, String what) throws InterruptedException {
		if (!semaphore.tryAcquire(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("timed out waiting for the " + what);
		}
	}

	static long pct(long[] sorted, double percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	static String ms(long nanos) {
		return Table.num(nanos / 1e6);
	}

}
