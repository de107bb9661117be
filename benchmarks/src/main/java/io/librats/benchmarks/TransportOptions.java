package io.librats.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.librats.noise.AeadImplementation;

/** Command-line options of the {@code transport} command. */
final class TransportOptions {

	/** Upstream bench_transport's loopback experiments, in its order (its UDP-only {@code fallback} has no peer here). */
	static final List<String> EXPERIMENTS = List.of("dial", "rtt", "bulk", "small", "idle", "burst");

	final Set<String> experiments = new LinkedHashSet<>();

	/** Upstream's bench_transport binary to run beside ours, or {@code null}. */
	Path upstream;

	/** How many times both suites run, alternating; the table reports the median of each row. */
	int repeat = 1;

	/** {@code null}: use {@link AeadImplementation#fastest()}. */
	AeadImplementation aead;

	/** Whether nodes offer AES-GCM ({@code --aes-gcm=false}: ChaCha20-Poly1305, like with like against upstream). */
	boolean aesGcm = true;

	/** Least seconds of warm-up per experiment (JIT); it goes on until the compilers are idle. */
	double warmupSeconds = 2;

	/** Most seconds of warm-up per experiment. */
	double maxWarmupSeconds = 20;

	/**
	 * Whether each of our runs gets a JVM of its own, as each of upstream's runs is a process of its own: later runs
	 * in one JVM inherit the JIT's profiles of every earlier experiment. On by default when {@link #repeat} &gt; 1.
	 */
	Boolean freshJvm;

	/** Set in the child JVM of a fresh-JVM run: run our suite once and report the values to the parent. */
	boolean child;

	/** The arguments this JVM was given, handed on to the child JVMs. */
	List<String> args = List.of();

	boolean freshJvm() {
		return (this.freshJvm != null) ? this.freshJvm : this.repeat > 1;
	}

	static TransportOptions parse(String[] args) {
		TransportOptions o = new TransportOptions();
		Cpu.quietWaitSeconds = 2;
		Options.parseArgs(args, (key, value) -> {
			switch (key) {
				case "upstream" -> o.upstream = Path.of(value).toAbsolutePath();
				case "repeat" -> o.repeat = positive(key, Integer.parseInt(value));
				case "aead" -> o.aead = AeadImplementation.valueOf(value.toUpperCase(Locale.ROOT));
				case "aes-gcm" -> o.aesGcm = Boolean.parseBoolean(value);
				case "warmup" -> o.warmupSeconds = Double.parseDouble(value);
				case "max-warmup" -> o.maxWarmupSeconds = Double.parseDouble(value);
				case "quiet-wait" -> Cpu.quietWaitSeconds = Double.parseDouble(value);
				case "fresh-jvm" -> o.freshJvm = Boolean.parseBoolean(value);
				case "child-run" -> o.child = true;
				default -> throw new IllegalArgumentException("unknown option --" + key);
			}
		}, (word) -> o.experiments.addAll(word.equals("all") ? EXPERIMENTS : List.of(word)), EXPERIMENTS);
		if (o.experiments.isEmpty()) {
			o.experiments.addAll(EXPERIMENTS);
		}
		o.args = List.of(args);
		return o;
	}

	private static int positive(String key, int value) {
		if (value < 1) {
			throw new IllegalArgumentException("--" + key + " must be at least 1");
		}
		return value;
	}

	static String usage() {
		List<String> lines = new ArrayList<>();
		lines.add("usage: java -jar benchmarks/target/rats-benchmarks.jar transport [dial] [rtt] [bulk] [small] [idle]"
				+ " [burst] [options]");
		lines.add("  upstream librats' bench_transport experiments (TCP column) on two RatsClients in this JVM;");
		lines.add("  no experiment named: all six");
		lines.add("  --upstream=PATH     also run upstream's bench_transport binary (in a private network namespace this");
		lines.add("                      command creates and deletes; needs root and iproute2) and print ours/upstream");
		lines.add("  --repeat=1          run both suites this many times, alternating; report the median per row");
		lines.add("  --fresh-jvm=true    each of our runs in a JVM of its own, as each upstream run is a process of its");
		lines.add("                      own (default: true when --repeat > 1)");
		lines.add("  --aead=JDK|BOUNCY_CASTLE|PURE_JAVA|JDK_CHACHA20|JDK_BY_SIZE   force the AEAD (default: AeadImplementation.fastest())");
		lines.add("  --aes-gcm=true             nodes offer AES-GCM (used where the JVM has hardware AES); false: ChaCha20-Poly1305");
		lines.add("  --warmup=2 --max-warmup=20 JIT warm-up per experiment: at least / at most these seconds");
		lines.add("  --quiet-wait=2      before each measurement wait up to this many seconds for other processes to");
		lines.add("                      use < 0.25 cores (the machine is shared); 0 disables");
		return String.join(System.lineSeparator(), lines);
	}

}
