package io.librats.benchmarks;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.librats.message.Delivery;
import io.librats.noise.NoiseCipher;
import io.librats.transport.TcpBinding;
import io.netty.util.Version;

/**
 * The {@code transport} command: upstream librats' {@code bench_suites/bench_transport.cpp} experiments (dial, rtt,
 * bulk, small, idle, burst; its TCP column) with the same parameters, on two real {@code RatsClient}s in this JVM on
 * 127.0.0.1 with encryption on, and, given {@code --upstream=PATH}, upstream's own binary run beside it, with ours /
 * upstream per row. CPU is whole-process, sender and receiver together, as upstream measures it.
 */
public final class TransportBenchmark {

	static final String COMMAND = "transport";

	private TransportBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		TransportOptions options = Options.parseOrExit(args, TransportOptions::parse, TransportOptions.usage());
		if (options.child) {
			FreshJvmRun.child(options, new Env(options.aead, options.aesGcm), TransportBenchmark::runOurs);
			return;
		}
		long started = System.nanoTime();
		String loadAtStart = Env.loadAverage();
		System.out.println("rats transport benchmark (upstream librats bench_transport's experiments), "
				+ ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		System.out.println("arguments: " + (args.length == 0 ? "(none)" : String.join(" ", args)));
		Env env = new Env(options.aead, options.aesGcm);
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("jdk", Env.jdk());
		settings.put("jvm flags", Env.jvmFlags());
		settings.put("max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
		settings.put("machine", Cpu.cores() + " cores, " + Env.cpuModel());
		settings.put("netty", Version.identify().getOrDefault("netty-transport", null));
		settings.put("netty unsafe", Env.nettyUnsafe());
		settings.put("native transport", Env.nativeTransport() + "; rats uses " + TcpBinding.select(true).name());
		settings.put("byte buffers", Memory.allocatorName());
		settings.put("encryption", env.encryption());
		settings.put("aead", env.aead + " (" + env.aeadSource + "; ChaCha20-Poly1305 sessions only)");
		settings.put("nodes", "RatsClient defaults on 127.0.0.1: every node on " + Nodes.defaultThreads()
				+ "; idle peers again with threads of their own (ioThreads=1, handlerThreads=1)");
		settings.put("messages", "sendBinary / onBinary (upstream sends raw bytes on a named channel)");
		settings.put("flush policy", Env.FLUSH_POLICY);
		settings.put("warm-up", "each experiment repeats its own work until the JIT compilers are idle (at least "
				+ options.warmupSeconds + " s, at most " + options.maxWarmupSeconds + " s) before it is measured");
		settings.put("upstream", (options.upstream == null) ? "(not run; --upstream=PATH runs it)"
				: options.upstream + ", commit " + UpstreamBenchTransport.commitOf(options.upstream));
		settings.put("our runs", options.freshJvm() ? "each in a JVM of its own, with this JVM's flags (as each "
				+ "upstream run is a process of its own)" : "in this JVM");
		settings.put("load average at start", loadAtStart);
		int width = settings.keySet().stream().mapToInt(String::length).max().orElse(10);
		settings.forEach((key, value) -> System.out.printf("  %-" + width + "s : %s%n", key, value));

		List<Map<String, Double>> ours = new ArrayList<>();
		List<Map<String, Double>> upstream = new ArrayList<>();
		boolean failed = false;
		for (int run = 1; run <= options.repeat; run++) {
			// Alternate which side goes first, so neither always gets the quieter half of a run.
			boolean upstreamFirst = run % 2 == 1;
			if (options.upstream != null && upstreamFirst) {
				failed |= !runUpstream(options, run, upstream);
			}
			banner("run " + run + "/" + options.repeat + ": rats, load average " + Env.loadAverage());
			Map<String, Double> values = new LinkedHashMap<>();
			failed |= options.freshJvm() ? !FreshJvmRun.parent(options, values) : !runOurs(options, env, values);
			ours.add(values);
			if (options.upstream != null && !upstreamFirst) {
				failed |= !runUpstream(options, run, upstream);
			}
		}

		banner("SIDE BY SIDE  (jdk " + System.getProperty("java.runtime.version") + ", cipher "
				+ env.cipher().noiseName() + ((env.cipher() == NoiseCipher.CHACHA_POLY) ? " " + env.aead : "")
				+ " (upstream ChaChaPoly), netty "
				+ "unsafe " + (io.netty.util.internal.PlatformDependent.hasUnsafe() ? "on" : "off") + ", "
				+ TcpBinding.select(true).name() + ", " + Cpu.cores() + " cores)");
		TransportRows.printSideBySide(System.out, ours, upstream);
		if (options.repeat > 1) {
			System.out.println();
			System.out.println("every run:");
			TransportRows.printRuns(System.out, ours, upstream);
		}
		System.out.println();
		System.out.println("ratios: rats / upstream; 'better' or 'worse' takes the row's direction into account. CPU is "
				+ "whole-process (both ends), as upstream measures it.");
		System.out.println("load average at start: " + loadAtStart);
		System.out.println("load average at end:   " + Env.loadAverage());
		System.out.printf("total time %.0f s%n", (System.nanoTime() - started) / 1e9);
		System.out.flush();
		System.exit(failed ? 1 : 0);
	}

	private static boolean runUpstream(TransportOptions options, int run, List<Map<String, Double>> upstream) {
		banner("run " + run + "/" + options.repeat + ": upstream bench_transport, load average " + Env.loadAverage());
		try {
			upstream.add(UpstreamBenchTransport.run(options.upstream));
			return true;
		}
		catch (Exception ex) {
			System.out.println("UPSTREAM RUN FAILED: " + ex);
			upstream.add(Map.of());
			return false;
		}
	}

	/** Runs the selected experiments; false if one failed (the others still run). */
	static boolean runOurs(TransportOptions options, Env env, Map<String, Double> values) {
		boolean ok = true;
		for (String experiment : options.experiments) {
			System.out.println();
			System.out.println("--- " + experiment + " ---");
			try {
				switch (experiment) {
					case "dial" -> DialLatency.measure(options, env, values);
					case "rtt" -> {
						EchoLatency.measure(options, env, Delivery.IO_THREAD, "rtt.io", values);
						EchoLatency.measure(options, env, Delivery.EXECUTOR, "rtt.exec", values);
					}
					case "bulk" -> {
						PacedTransfer.bulk(options, env, Delivery.IO_THREAD, "bulk.io", values);
						PacedTransfer.bulk(options, env, Delivery.EXECUTOR, "bulk.exec", values);
					}
					case "small" -> {
						PacedTransfer.small(options, env, Delivery.IO_THREAD, "small.io", values);
						PacedTransfer.small(options, env, Delivery.EXECUTOR, "small.exec", values);
					}
					case "idle" -> {
						IdlePeers.measure(options, env, true, values);
						IdlePeers.measure(options, env, false, values);
						IdlePeers.measureThreadFloor(values);
						IdlePeers.measurePerConnection(env, values);
					}
					case "burst" -> UnpacedBurst.measure(options, env, values);
					default -> throw new IllegalArgumentException(experiment);
				}
			}
			catch (Exception | Error ex) {
				ok = false;
				System.out.println("EXPERIMENT " + experiment + " FAILED: " + ex);
				ex.printStackTrace(System.out);
			}
		}
		return ok;
	}

	private static void banner(String title) {
		System.out.println();
		System.out.println("=".repeat(100));
		System.out.println(title);
		System.out.println("=".repeat(100));
		System.out.flush();
	}

}
