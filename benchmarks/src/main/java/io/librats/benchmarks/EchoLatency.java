package io.librats.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.RatsClient;
import io.librats.message.Delivery;

/**
 * Transport experiment {@code rtt}, as upstream's {@code bench_rtt}: strictly serial request/response of a 64-byte
 * binary message, 3,000 turns, the first tenth dropped, median and p99. The server's handler sends the payload back;
 * the client's handler counts; the sending thread spins until the count moves. Both handlers run where
 * {@code delivery} says: {@link Delivery#IO_THREAD} is what upstream does (handlers on its reactor thread),
 * {@link Delivery#EXECUTOR} is the library default (the handler pool, per-peer order).
 */
final class EchoLatency {

	static final int TURNS = 3000;

	static final int PAYLOAD = 64;

	private EchoLatency() {
	}

	static void measure(TransportOptions options, Env env, Delivery delivery, String key, Map<String, Double> out) {
		AtomicLong replies = new AtomicLong();
		try (Nodes nodes = new Nodes(env)) {
			RatsClient server = nodes.start();
			RatsClient client = nodes.start();
			server.onBinary((peer, data) -> server.sendBinary(peer, data), delivery);
			client.onBinary((peer, data) -> replies.incrementAndGet(), delivery);
			String peer = Nodes.connect(client, server);
			byte[] payload = new byte[PAYLOAD];
			Arrays.fill(payload, (byte) 'p');
			String warm = Cpu.warmUp(() -> turns(client, peer, payload, replies, TURNS), options.warmupSeconds,
					options.maxWarmupSeconds);
			Cpu.awaitQuiet();
			Cpu.Sample s0 = Cpu.sample();
			double[] micros = turns(client, peer, payload, replies, TURNS);
			Cpu.Usage usage = Cpu.sample().since(s0);
			double p50 = Spin.percentile(micros, 0.5);
			double p99 = Spin.percentile(micros, 0.99);
			System.out.printf("rtt, handlers %-9s: median %s us, p99 %s us, min %s us, max %s us (%d turns measured, "
					+ "warm-up %s; JVM %s cores busy, %s us CPU per turn, JIT %.2f s, other processes %s cores)%n",
					delivery, Table.num(p50), Table.num(p99), Table.num(Spin.percentile(micros, 0)),
					Table.num(Spin.percentile(micros, 1)), micros.length, warm, Table.num(usage.processCores()),
					Table.num(usage.process() * 1e6 / TURNS), usage.jit(), Table.num(usage.foreignCores()));
			out.put(key + ".p50", p50);
			out.put(key + ".p99", p99);
		}
	}

	/** {@code count} serial turns; returns the microseconds of all but the first tenth. */
	private static double[] turns(RatsClient client, String peer, byte[] payload, AtomicLong replies, int count) {
		double[] micros = new double[count - count / 10];
		for (int i = 0; i < count; i++) {
			long before = replies.get();
			long t0 = System.nanoTime();
			client.sendBinary(peer, payload);
			Spin.awaitOrFail(() -> replies.get() > before, Duration.ofSeconds(2), "an echo");
			long t1 = System.nanoTime();
			if (i >= count / 10) {
				micros[i - count / 10] = (t1 - t0) / 1e3;
			}
		}
		return micros;
	}

}
