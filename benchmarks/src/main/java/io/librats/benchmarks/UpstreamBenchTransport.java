package io.librats.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs upstream librats' {@code bench_transport} binary (built outside this repository by upstream's own
 * instructions) inside a network namespace of its own that holds nothing but {@code lo}, so none of its traffic can
 * leave the machine, and reads the TCP column of its tables. The namespace has a random name, and is deleted when
 * the run ends, fails or times out, and by a shutdown hook if this JVM is stopped meanwhile.
 */
final class UpstreamBenchTransport {

	static final Duration TIMEOUT = Duration.ofMinutes(5);

	/** A table row: label, TCP value, UDP value, unit. Labels are left-aligned and padded, values right-aligned. */
	private static final Pattern ROW = Pattern.compile("^  (\\S.*?)\\s+(-?\\d+(?:\\.\\d+)?)\\s+(-?\\d+(?:\\.\\d+)?)\\s+\\S+.*$");

	/** A section header: "dial — ...", "rtt — ...". */
	private static final Pattern SECTION = Pattern.compile("^(\\w+) \u2014 .*$");

	private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

	private UpstreamBenchTransport() {
	}

	/** Runs the binary in a fresh namespace; prints its output indented; returns "section/label" to the TCP value. */
	static Map<String, Double> run(Path binary) throws IOException, InterruptedException {
		if (!Files.isExecutable(binary)) {
			throw new IllegalArgumentException("upstream binary " + binary + " is not an executable file");
		}
		String namespace = "rats-bench-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
		Thread cleanup = new Thread(() -> deleteNamespace(namespace), "delete-netns");
		run(List.of("ip", "netns", "add", namespace), Duration.ofSeconds(10));
		Runtime.getRuntime().addShutdownHook(cleanup);
		try {
			run(List.of("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"), Duration.ofSeconds(10));
			System.out.println("upstream: " + binary + " in network namespace " + namespace + " (only lo, up)");
			List<String> lines = run(List.of("ip", "netns", "exec", namespace, binary.toString()), TIMEOUT);
			lines.forEach((line) -> System.out.println("  | " + line));
			Map<String, Double> values = parse(lines);
			if (values.isEmpty()) {
				throw new IllegalStateException("no table rows found in the upstream output");
			}
			return values;
		}
		finally {
			deleteNamespace(namespace);
			Runtime.getRuntime().removeShutdownHook(cleanup);
		}
	}

	/** "section/label" (for example "rtt/median", "bulk/CPU per GB") to the first (TCP) column of each table row. */
	static Map<String, Double> parse(List<String> lines) {
		Map<String, Double> values = new LinkedHashMap<>();
		String section = null;
		for (String raw : lines) {
			String line = ANSI.matcher(raw).replaceAll("");
			Matcher header = SECTION.matcher(line);
			if (header.matches()) {
				section = header.group(1);
				continue;
			}
			Matcher row = ROW.matcher(line);
			if (section != null && row.matches()) {
				values.put(section + "/" + row.group(1).trim(), Double.parseDouble(row.group(2)));
			}
		}
		return values;
	}

	/** The commit of the git work tree the binary was built in, or null when it is not in one. */
	static String commitOf(Path binary) {
		try {
			List<String> out = run(List.of("git", "-C", binary.getParent().toString(), "log", "-1",
					"--format=%H (%cd)", "--date=short"), Duration.ofSeconds(10));
			return out.isEmpty() ? null : out.get(0);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static void deleteNamespace(String namespace) {
		try {
			Process p = new ProcessBuilder("ip", "netns", "del", namespace).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			System.err.println("could not delete network namespace " + namespace + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Runs a command to completion within {@code timeout}; returns its output lines; fails on a non-zero exit. */
	private static List<String> run(List<String> command, Duration timeout) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> lines = new ArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					synchronized (lines) {
						lines.add(line);
					}
				}
			}
			catch (IOException ex) {
				// process gone
			}
		}, "upstream-output");
		reader.setDaemon(true);
		reader.start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
		}
		reader.join(5000);
		synchronized (lines) {
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
						+ (lines.isEmpty() ? "" : ": " + String.join(" / ", lines)));
			}
			return new ArrayList<>(lines);
		}
	}

}
