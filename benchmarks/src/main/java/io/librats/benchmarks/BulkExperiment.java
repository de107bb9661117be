package io.librats.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.RatsClient;
import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseException;

/**
 * (b) Bulk throughput, 64 KiB binary messages one way on one encrypted connection, against the speed at which one
 * core seals ChaCha20-Poly1305 in the same JVM. A plaintext rats connection is measured too, as a diagnostic that
 * separates the cost of the cipher from the cost of the rest of the path.
 */
final class BulkExperiment {

	static final int SIZE = 64 * 1024;

	static final double GOAL_RATIO = 0.8;

	List<Result> run(Options options, Env env) throws Exception {
		List<Result> results = new ArrayList<>();
		AtomicLong received = new AtomicLong();
		AtomicLong receivedPlain = new AtomicLong();
		byte[] payload = new byte[SIZE];
		new Random(7).nextBytes(payload);
		try (Nodes nodes = new Nodes(env)) {
			RatsClient receiver = nodes.start();
			RatsClient sender = nodes.start();
			receiver.onBinary((peer, data) -> received.incrementAndGet());
			String peer = Nodes.connect(sender, receiver);
			RatsClient plainReceiver = nodes.start((b) -> b.encryption(false));
			RatsClient plainSender = nodes.start((b) -> b.encryption(false));
			plainReceiver.onBinary((p, data) -> receivedPlain.incrementAndGet());
			String plainPeer = Nodes.connect(plainSender, plainReceiver);

			Map<String, Object> specific = new LinkedHashMap<>();
			specific.put("message", SIZE + " random bytes per sendBinary (" + (SIZE + 5)
					+ " bytes framed), one way; the encrypting handler cuts the stream into Noise messages of at most "
					+ AeadBaseline.PLAINTEXT + " plaintext bytes");
			specific.put("connections", "1 encrypted rats connection handshaken (+1 plaintext rats connection, "
					+ "diagnostic, encryption=false)");
			specific.put("flow control", options.bulkWindow + " messages in flight ("
					+ (options.bulkWindow * (long) SIZE >> 20) + " MiB)");
			specific.put("receiver", "onBinary handler counts (default Delivery.EXECUTOR)");
			specific.put("baseline", "one thread sealing " + AeadBaseline.PLAINTEXT + "-byte plaintexts with "
					+ "io.librats.noise.CipherState (" + env.aead + ") in this JVM, alternating with the rats windows");
			specific.put("units", "MB = 10^6 bytes of payload");
			specific.put("windows", options.rounds + " x " + options.seconds + " s per system (AEAD: "
					+ Math.min(2, options.seconds) + " s) after a warm-up " + Env.warmUpRule(options) + "; best reported");
			env.printSettings("(b) bulk throughput, 64 KiB binary messages", sender.transportName(), specific);

			WindowedLoad rats = new WindowedLoad((seq, done) -> sender.sendBinary(peer, payload)
				.whenComplete((v, ex) -> done.accept(ex)), received::get, options.bulkWindow);
			WindowedLoad plain = new WindowedLoad((seq, done) -> plainSender.sendBinary(plainPeer, payload)
				.whenComplete((v, ex) -> done.accept(ex)), receivedPlain::get, options.bulkWindow);
			AeadBaseline aead = AeadBaseline.create(env.aead);
			AeadImplementation other = (env.aead == AeadImplementation.JDK) ? AeadImplementation.BOUNCY_CASTLE
					: AeadImplementation.JDK;
			AeadBaseline otherAead = AeadBaseline.create(other);

			String w0 = warmUpAead(aead, options);
			otherAead.seal(1);
			String w1 = rats.warmUp(options.warmupSeconds, options.maxWarmupSeconds);
			String w2 = plain.warmUp(options.warmupSeconds, options.maxWarmupSeconds);
			System.out.println("warm-up: AEAD " + w0 + ", rats encrypted " + w1 + ", rats plaintext " + w2);

			Table table = new Table("system", "round", "MB/s", "msg/s", "JVM cores busy", "CPU ns/byte",
					"kernel %", "JIT s", "other procs' cores");
			double bestSeal = 0;
			WindowedLoad.Window bestRats = null;
			WindowedLoad.Window bestPlain = null;
			for (int round = 1; round <= options.rounds; round++) {
				Cpu.awaitQuiet();
				Cpu.Sample s0 = Cpu.sample();
				double seal = aead.seal(Math.min(2, options.seconds));
				Cpu.Usage u = Cpu.sample().since(s0);
				table.row("ChaCha20-Poly1305 seal, 1 thread, " + env.aead + " (baseline)", round, Table.num(seal),
						Table.num(seal * 1e6 / AeadBaseline.PLAINTEXT), Table.num(u.processCores()),
						Table.num(1e3 / seal), Table.num(100 * u.kernelShare()), Table.num(u.jit()),
						Table.num(u.foreignCores()));
				bestSeal = Math.max(bestSeal, seal);
				WindowedLoad.Window w = rats.run(options.seconds);
				bulkRow(table, "rats encrypted, sendBinary", round, w);
				bestRats = SmallMessagesExperiment.best(bestRats, w);
				WindowedLoad.Window p = plain.run(options.seconds);
				bulkRow(table, "rats encryption=false (diagnostic)", round, p);
				bestPlain = SmallMessagesExperiment.best(bestPlain, p);
			}
			AeadBaseline.Speed speed = AeadBaseline.create(env.aead).sealAndOpen(1.5);
			AeadBaseline.Speed otherSpeed = AeadBaseline.create(other).sealAndOpen(1.5);
			table.row("  info: seal / open, 1 thread, " + env.aead, "", Table.num(speed.sealMBps()) + " / "
					+ Table.num(speed.openMBps()));
			table.row("  info: seal / open, 1 thread, " + other, "", Table.num(otherSpeed.sealMBps()) + " / "
					+ Table.num(otherSpeed.openMBps()));
			table.print(System.out);
			SmallMessagesExperiment.failureNote(rats);
			SmallMessagesExperiment.failureNote(plain);
			double ratsMBps = bestRats.perSecond() * SIZE / 1e6;
			double plainMBps = bestPlain.perSecond() * SIZE / 1e6;
			System.out.printf("%nbest: AEAD seal %s MB/s; rats %s MB/s = %s of it; rats without encryption %s MB/s%n",
					Table.num(bestSeal), Table.num(ratsMBps), Table.ratio(ratsMBps / bestSeal), Table.num(plainMBps));
			results.add(new Result("bulk", "MB/s, 64 KiB sendBinary, 1 conn (baseline: 1-core AEAD seal)", ratsMBps,
					bestSeal, "≥0.8x", ratsMBps / bestSeal >= GOAL_RATIO));
			results.add(new Result("bulk", "MB/s, same with encryption=false (diagnostic)", plainMBps, bestSeal, "(info)",
					null));
		}
		return results;
	}

	private static String warmUpAead(AeadBaseline aead, Options options) {
		return Cpu.warmUp(() -> {
			try {
				aead.seal(1);
			}
			catch (NoiseException ex) {
				throw new IllegalStateException(ex);
			}
		}, options.warmupSeconds, options.maxWarmupSeconds);
	}

	private static void bulkRow(Table table, String system, int round, WindowedLoad.Window w) {
		double mbps = w.perSecond() * SIZE / 1e6;
		table.row(system, round, Table.num(mbps), Table.num(w.perSecond()), Table.num(w.cpu().processCores()),
				Table.num(w.cpu().process() * 1e9 / (w.received() * (double) SIZE)),
				Table.num(100 * w.cpu().kernelShare()), Table.num(w.cpu().jit()), Table.num(w.cpu().foreignCores()));
	}

}
