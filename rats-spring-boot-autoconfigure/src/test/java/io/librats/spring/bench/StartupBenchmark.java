package io.librats.spring.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Startup time and memory of an empty, non-web Spring Boot application with and without the rats starter, median of
 * several child JVMs per variant, run alternately. "Without" is the same class path minus the rats
 * auto-configuration module (and the web server, Actuator and test jars in both, so the empty app stays empty).
 * Not a test: run it by hand, see docs/spring-boot.md.
 *
 * <pre>
 * ./mvnw -q -B -o -pl rats-spring-boot-autoconfigure -am test-compile
 * ./mvnw -q -B -o -pl rats-spring-boot-autoconfigure dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt
 * java -cp rats-spring-boot-autoconfigure/target/test-classes:rats-spring-boot-autoconfigure/target/classes:rats-core/target/classes:$(cat rats-spring-boot-autoconfigure/target/test-cp.txt) \
 *     io.librats.spring.bench.StartupBenchmark 7
 * </pre>
 */
public final class StartupBenchmark {

	private static final Pattern RESULT = Pattern.compile(
			"RESULT startupMillis=(\\d+) heapUsedKb=(\\d+) rssKb=(-?\\d+) ratsBeans=(\\d+)");

	/** Jars that would make the "empty" application a web or Actuator application, or are test tooling. */
	private static final Pattern EXCLUDED = Pattern.compile(
			".*(tomcat|webmvc|spring-web-|spring-boot-web|servlet|actuator|micrometer|spring-boot-health|junit|mockito|"
					+ "assertj|awaitility|byte-buddy|surefire|spring-test|spring-boot-test|json-path|jsonassert|"
					+ "xmlunit|hamcrest).*");

	private StartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 7;
		List<String> base = new ArrayList<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			if (!EXCLUDED.matcher(new File(entry).getName()).matches()) {
				base.add(entry);
			}
		}
		List<String> without = base.stream()
			.filter((entry) -> !entry.replace('\\', '/').endsWith("rats-spring-boot-autoconfigure/target/classes"))
			.toList();
		Map<String, List<long[]>> results = new TreeMap<>();
		Path state = Files.createTempDirectory("rats-startup-");
		try {
			for (int i = 0; i < runs; i++) {
				results.computeIfAbsent("without starter", (k) -> new ArrayList<>()).add(run(without));
				results.computeIfAbsent("with starter", (k) -> new ArrayList<>())
					.add(run(base, "--rats.port=0", "--rats.state-dir=" + state.resolve("run" + i)));
			}
		}
		finally {
			try (var files = Files.walk(state)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
		System.out.printf("%-16s %6s %14s %14s %12s%n", "variant", "runs", "startup ms", "heap used MB", "RSS MB");
		for (Map.Entry<String, List<long[]>> entry : results.entrySet()) {
			List<long[]> samples = entry.getValue();
			System.out.printf("%-16s %6d %14d %14.1f %12.1f%n", entry.getKey(), samples.size(), median(samples, 0),
					median(samples, 1) / 1024.0, median(samples, 2) / 1024.0);
		}
		long with = median(results.get("with starter"), 0);
		long plain = median(results.get("without starter"), 0);
		System.out.printf("startup ratio with/without: %.2f%n", (double) with / plain);
	}

	private static long[] run(List<String> classPath, String... appArgs) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-cp", String.join(File.pathSeparator, classPath), StartupProbe.class.getName()));
		command.addAll(Arrays.asList(appArgs));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String result = null;
		StringBuilder output = new StringBuilder();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				output.append(line).append('\n');
				if (line.startsWith("RESULT ")) {
					result = line;
				}
			}
		}
		if (!process.waitFor(2, TimeUnit.MINUTES)) {
			process.destroyForcibly();
		}
		Matcher matcher = (result != null) ? RESULT.matcher(result) : null;
		if (matcher == null || !matcher.matches()) {
			throw new IllegalStateException("child JVM printed no result:\n" + output);
		}
		boolean expectRats = appArgs.length > 0;
		if ((Integer.parseInt(matcher.group(4)) == 1) != expectRats) {
			throw new IllegalStateException("rats client bean presence is not as expected:\n" + output);
		}
		return new long[] { Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)),
				Long.parseLong(matcher.group(3)) };
	}

	private static long median(List<long[]> samples, int index) {
		long[] values = samples.stream().mapToLong((sample) -> sample[index]).sorted().toArray();
		return values[values.length / 2];
	}

}
