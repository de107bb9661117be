package io.librats.benchmarks;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the rats benchmarks named on the command line ({@code small bulk connect idle}; all when none is named),
 * each against a baseline measured in the same run, and ends with one summary table. Everything runs on loopback.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals(ThinPeerClients.COMMAND)) {
			ThinPeerClients.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals(AeadRuleCheck.COMMAND)) {
			AeadRuleCheck.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals(TransportBenchmark.COMMAND)) {
			TransportBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		Options options = Options.parseOrExit(args, Options::parse, Options.usage());
		long started = System.nanoTime();
		System.out.println("rats benchmarks, " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		System.out.println("arguments: " + (args.length == 0 ? "(none: all experiments)" : String.join(" ", args)));
		System.out.println("jdk: " + Env.jdk());
		Env env = new Env(options);
		List<Result> results = new ArrayList<>();
		boolean failed = false;
		for (String experiment : options.experiments) {
			try {
				results.addAll(switch (experiment) {
					case "small" -> new SmallMessagesExperiment().run(options, env);
					case "bulk" -> new BulkExperiment().run(options, env);
					case "connect" -> new ConnectExperiment().run(options, env);
					case "idle" -> new IdleConnectionsExperiment().run(options, env);
					default -> throw new IllegalArgumentException(experiment);
				});
			}
			catch (Exception | Error ex) {
				failed = true;
				System.out.println("EXPERIMENT " + experiment + " FAILED: " + ex);
				ex.printStackTrace(System.out);
			}
		}
		printSummary(results, env);
		System.out.printf("%ntotal time %.0f s%n", (System.nanoTime() - started) / 1e9);
		System.out.flush();
		// Netty and executor threads of stopped nodes are daemons, but do not wait for stragglers.
		System.exit(failed ? 1 : 0);
	}

	private static void printSummary(List<Result> results, Env env) {
		System.out.println();
		System.out.println("=".repeat(100));
		System.out.println("SUMMARY  (jdk " + System.getProperty("java.runtime.version") + ", aead " + env.aead + ", "
				+ Cpu.cores() + " cores)");
		System.out.println("=".repeat(100));
		Table table = new Table("experiment", "metric", "rats", "baseline", "ratio", "goal", "met");
		for (Result r : results) {
			table.row(r.experiment(), r.metric(), Table.num(r.value()), Table.num(r.baseline()),
					Table.ratio(r.ratio()), r.goal(), (r.met() == null) ? "" : (r.met() ? "yes" : "NO"));
		}
		table.print(System.out);
	}

}
