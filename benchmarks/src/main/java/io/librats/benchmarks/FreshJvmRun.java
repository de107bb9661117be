package io.librats.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One run of our transport suite in a JVM of its own, started with this JVM's flags and the same options; the child
 * sends its values back as one line ({@code THIN VALUES key=value;...}), so the parent tabulates them like a run of
 * its own.
 */
final class FreshJvmRun {

	/** The same suite, in this JVM; false if an experiment failed. */
	interface Suite {

		boolean run(TransportOptions options, Env env, Map<String, Double> values);

	}

	private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);

	private FreshJvmRun() {
	}

	/** Runs the suite in a child JVM and puts its values into {@code values}; false if the child failed. */
	static boolean parent(TransportOptions options, Map<String, Double> values) throws Exception {
		List<String> args = new ArrayList<>();
		args.add(TransportBenchmark.COMMAND);
		for (String arg : options.args) {
			if (!arg.startsWith("--upstream") && !arg.startsWith("--repeat") && !arg.startsWith("--fresh-jvm")) {
				args.add(arg);
			}
		}
		args.add("--child-run");
		try (ChildProcess child = new ChildProcess(ManagementFactory.getRuntimeMXBean().getInputArguments(), args)) {
			System.out.println("fresh JVM: " + child.commandLine());
			String reply = child.call(null, "VALUES", RUN_TIMEOUT);
			String body = reply.substring("VALUES".length()).trim();
			boolean ok = true;
			for (String pair : body.split(";")) {
				if (pair.isEmpty()) {
					continue;
				}
				int eq = pair.indexOf('=');
				if (pair.substring(0, eq).equals("ok")) {
					ok = Boolean.parseBoolean(pair.substring(eq + 1));
				}
				else {
					values.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
				}
			}
			return ok;
		}
	}

	/** The child's side: runs the suite once, reports the values, then waits for the parent's {@code quit}. */
	static void child(TransportOptions options, Env env, Suite suite) throws IOException {
		Map<String, Double> values = new java.util.LinkedHashMap<>();
		boolean ok = suite.run(options, env, values);
		StringJoiner line = new StringJoiner(";", "THIN VALUES ", "");
		line.add("ok=" + ok);
		values.forEach((key, value) -> line.add(key + "=" + String.format(Locale.ROOT, "%s", value)));
		System.out.println(line);
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command;
		while ((command = in.readLine()) != null && !command.equals("quit")) {
			// nothing else is asked of a child run
		}
		System.out.println("THIN BYE");
		System.out.flush();
		System.exit(0);
	}

}
