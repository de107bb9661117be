package io.librats.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import io.librats.noise.AeadImplementation;

/** Command-line options of the benchmark suite. */
final class Options {

	static final List<String> EXPERIMENTS = List.of("small", "bulk", "connect", "idle");

	final Set<String> experiments = new LinkedHashSet<>();

	/** {@code null}: use {@link AeadImplementation#fastest()}. */
	AeadImplementation aead;

	/** Whether nodes offer AES-GCM ({@code --aes-gcm=false}: ChaCha20-Poly1305, like with like against upstream). */
	boolean aesGcm = true;

	/** Seconds per measurement window of the throughput experiments. */
	double seconds = 3;

	/** Seconds of warm-up before the first window of each system. */
	double warmupSeconds = 3;

	/** Longest warm-up per system: warm-up ends once the JIT compilers were idle for a second, or after this. */
	double maxWarmupSeconds = 25;

	/** Measurement windows per system; baseline and rats windows alternate. */
	int rounds = 3;

	/** Small messages kept in flight by the sender. */
	int window = 2048;

	/** 64 KiB messages kept in flight by the bulk sender. */
	int bulkWindow = 64;

	/** Sequential connect samples after warm-up. */
	int samples = 500;

	int connectWarmup = 200;

	/** Client nodes dialing concurrently in the connection-rate test. */
	int dialers = 8;

	/** Idle connections held open in the memory test. */
	int idleConnections = 5000;

	static Options parse(String[] args) {
		Options o = new Options();
		parseArgs(args, (key, value) -> {
			switch (key) {
				case "aead" -> o.aead = AeadImplementation.valueOf(value.toUpperCase(Locale.ROOT));
				case "aes-gcm" -> o.aesGcm = Boolean.parseBoolean(value);
				case "seconds" -> o.seconds = Double.parseDouble(value);
				case "warmup" -> o.warmupSeconds = Double.parseDouble(value);
				case "max-warmup" -> o.maxWarmupSeconds = Double.parseDouble(value);
				case "rounds" -> o.rounds = Integer.parseInt(value);
				case "window" -> o.window = Integer.parseInt(value);
				case "bulk-window" -> o.bulkWindow = Integer.parseInt(value);
				case "samples" -> o.samples = Integer.parseInt(value);
				case "connect-warmup" -> o.connectWarmup = Integer.parseInt(value);
				case "dialers" -> o.dialers = Integer.parseInt(value);
				case "idle-connections" -> o.idleConnections = Integer.parseInt(value);
				case "quiet-wait" -> Cpu.quietWaitSeconds = Double.parseDouble(value);
				default -> throw new IllegalArgumentException("unknown option --" + key);
			}
		}, (word) -> {
			if (word.equals("all")) {
				o.experiments.addAll(EXPERIMENTS);
			}
			else {
				o.experiments.add(word);
			}
		}, EXPERIMENTS);
		if (o.experiments.isEmpty()) {
			o.experiments.addAll(EXPERIMENTS);
		}
		return o;
	}

	/**
	 * Hands each {@code --key=value} (or {@code --key}, value "") to {@code option} and each other word, which must
	 * be one of {@code experiments} or "all", to {@code experiment}. {@code --help} and unknown words throw
	 * {@link IllegalArgumentException} (empty message for help), which {@link #parseOrExit} turns into the usage.
	 */
	static void parseArgs(String[] args, BiConsumer<String, String> option, Consumer<String> experiment,
			List<String> experiments) {
		for (String arg : args) {
			if (arg.startsWith("--")) {
				int eq = arg.indexOf('=');
				String key = (eq < 0) ? arg.substring(2) : arg.substring(2, eq);
				if (key.equals("help")) {
					throw new IllegalArgumentException("");
				}
				option.accept(key, (eq < 0) ? "" : arg.substring(eq + 1));
			}
			else if (experiments.contains(arg) || arg.equals("all")) {
				experiment.accept(arg);
			}
			else {
				throw new IllegalArgumentException("unknown experiment '" + arg + "'");
			}
		}
	}

	/** Parses with {@code parser}; on a bad argument or {@code --help} prints the message and usage, exits 2. */
	static <T> T parseOrExit(String[] args, Function<String[], T> parser, String usage) {
		try {
			return parser.apply(args);
		}
		catch (IllegalArgumentException ex) {
			if (!ex.getMessage().isEmpty()) {
				System.err.println(ex.getMessage());
			}
			System.err.println(usage);
			System.exit(2);
			throw ex;
		}
	}

	static String usage() {
		List<String> lines = new ArrayList<>();
		lines.add("usage: java -jar benchmarks/target/rats-benchmarks.jar [small] [bulk] [connect] [idle] [options]");
		lines.add("  no experiment named: all four, in that order");
		lines.add("  (java -jar ... transport --help: upstream librats' bench_transport experiments, side by side)");
		lines.add("  --aead=JDK|BOUNCY_CASTLE|PURE_JAVA|JDK_CHACHA20|JDK_BY_SIZE   force the AEAD (default: AeadImplementation.fastest())");
		lines.add("  --aes-gcm=true             nodes offer AES-GCM (used where the JVM has hardware AES); false: ChaCha20-Poly1305");
		lines.add("  --seconds=3                length of one throughput measurement window");
		lines.add("  --warmup=3                 least warm-up seconds per system; warm-up goes on until the JIT");
		lines.add("  --max-warmup=25            compilers were idle for a second, for at most --max-warmup seconds");
		lines.add("  --rounds=3                 windows per system (baseline and rats alternate; best is reported)");
		lines.add("  --window=2048              small messages in flight (Semaphore released by the send future)");
		lines.add("  --bulk-window=64           64 KiB messages in flight");
		lines.add("  --samples=500              sequential connect+handshake samples (after --connect-warmup=200)");
		lines.add("  --dialers=8                client nodes dialing concurrently in the connection-rate test");
		lines.add("  --idle-connections=5000    idle encrypted connections for the heap test");
		lines.add("  --quiet-wait=5             before each window, wait up to this many seconds for other processes to");
		lines.add("                             use < 0.25 cores (the machine is shared); 0 disables");
		return String.join(System.lineSeparator(), lines);
	}

}
