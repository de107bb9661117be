package io.librats.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.RatsClient;
import io.librats.message.Delivery;

/**
 * Transport experiments {@code bulk} and {@code small}, as upstream's {@code bench_bulk} and {@code bench_small}: one
 * way, {@code count} binary messages of {@code size} bytes, the sender never more than {@code credit} messages ahead
 * of what the receiver's handler has counted (upstream's bulk credit of 2 MiB is 128 frames of 16 KiB). Wall time
 * and whole-process CPU (sender and receiver together, as upstream) from the first send to the last message counted.
 */
final class PacedTransfer {

	/**
	 * @param messagesPerSecond messages counted per wall second
	 * @param megabytesPerSecond payload MB (10^6 bytes) per wall second
	 * @param cpuSecondsPerGigabyte whole-process CPU seconds per 10^9 payload bytes
	 * @param cpuMicrosPerMessage whole-process CPU microseconds per message
	 * @param usage the CPU accounting of the transfer
	 */
	record Transfer(double messagesPerSecond, double megabytesPerSecond, double cpuSecondsPerGigabyte,
			double cpuMicrosPerMessage, Cpu.Usage usage) {
	}

	static final int BULK_BYTES = 64 << 20;

	static final int BULK_FRAME = 16 << 10;

	static final int BULK_CREDIT_BYTES = 2 << 20;

	static final int SMALL_COUNT = 200_000;

	static final int SMALL_SIZE = 256;

	static final int SMALL_CREDIT = 512;

	private PacedTransfer() {
	}

	static Transfer measure(TransportOptions options, Env env, Delivery delivery, int size, int count, int credit) {
		AtomicLong received = new AtomicLong();
		try (Nodes nodes = new Nodes(env)) {
			RatsClient receiver = nodes.start();
			RatsClient sender = nodes.start();
			receiver.onBinary((peer, data) -> received.incrementAndGet(), delivery);
			String peer = Nodes.connect(sender, receiver);
			byte[] payload = new byte[size];
			Arrays.fill(payload, (byte) 'z');
			String warm = Cpu.warmUp(() -> transfer(sender, peer, payload, count, credit, received),
					options.warmupSeconds, options.maxWarmupSeconds);
			Cpu.awaitQuiet();
			Map<String, Long> threads0 = Cpu.threadTimes();
			Transfer t = transfer(sender, peer, payload, count, credit, received);
			Map<String, Long> threads1 = Cpu.threadTimes();
			Cpu.Usage u = t.usage();
			System.out.printf("%d x %d B, %d in flight, handler %-9s: %s MB/s, %s msg/s, %s CPU-s/GB, %s us CPU/msg "
					+ "(%.3f s; warm-up %s; JVM %s cores busy, %s%% kernel, GC %.2f s, JIT %.2f s, other processes %s "
					+ "cores)%n", count, size, credit, delivery, Table.num(t.megabytesPerSecond()),
					Table.num(t.messagesPerSecond()), Table.num(t.cpuSecondsPerGigabyte()),
					Table.num(t.cpuMicrosPerMessage()), u.wall(), warm, Table.num(u.processCores()),
					Table.num(100 * u.kernelShare()), u.gc(), u.jit(), Table.num(u.foreignCores()));
			System.out.println("  CPU by thread: " + Cpu.byRole(threads0, threads1, Map.of(
					Thread.currentThread().getName(), "sending thread (spins for credit)",
					"rats-io-" + sender.peerId().substring(0, 8), "sender I/O",
					"rats-io-" + receiver.peerId().substring(0, 8), "receiver I/O",
					"rats-handler-" + receiver.peerId().substring(0, 8), "receiver handler pool")));
			return t;
		}
	}

	static void bulk(TransportOptions options, Env env, Delivery delivery, String key, Map<String, Double> out) {
		Transfer t = measure(options, env, delivery, BULK_FRAME, BULK_BYTES / BULK_FRAME,
				BULK_CREDIT_BYTES / BULK_FRAME);
		out.put(key + ".mbps", t.megabytesPerSecond());
		out.put(key + ".cpu", t.cpuSecondsPerGigabyte());
	}

	static void small(TransportOptions options, Env env, Delivery delivery, String key, Map<String, Double> out) {
		Transfer t = measure(options, env, delivery, SMALL_SIZE, SMALL_COUNT, SMALL_CREDIT);
		out.put(key + ".rate", t.messagesPerSecond());
		out.put(key + ".cpu", t.cpuMicrosPerMessage());
	}

	private static Transfer transfer(RatsClient sender, String peer, byte[] payload, int count, int credit,
			AtomicLong received) {
		long base = received.get();
		Cpu.Sample s0 = Cpu.sample();
		for (int i = 0; i < count; i++) {
			sender.sendBinary(peer, payload);
			long behind = i + 1 - credit;
			if (received.get() - base < behind) {
				Spin.awaitOrFail(() -> received.get() - base >= behind, Duration.ofSeconds(30), "the receiver");
			}
		}
		Spin.awaitOrFail(() -> received.get() - base >= count, Duration.ofSeconds(30), "the last message");
		Cpu.Usage u = Cpu.sample().since(s0);
		double bytes = (double) count * payload.length;
		return new Transfer(count / u.wall(), bytes / 1e6 / u.wall(), u.process() / (bytes / 1e9),
				u.process() * 1e6 / count, u);
	}

}
