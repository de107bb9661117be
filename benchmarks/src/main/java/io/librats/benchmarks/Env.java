package io.librats.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseHandshake;

/** The settings every report starts with, so a number is never read without its conditions. */
final class Env {

	static final String FLUSH_POLICY = "one flush per event-loop turn (PeerConnection: writes queued on the loop, "
			+ "one flush task scheduled behind them)";

	final AeadImplementation aead;

	final String aeadSource;

	Env(Options options) {
		if (options.aead != null) {
			this.aead = options.aead;
			this.aeadSource = "forced by --aead";
		}
		else {
			this.aead = AeadImplementation.fastest();
			this.aeadSource = "AeadImplementation.fastest() measured it in this JVM";
		}
	}

	static String jdk() {
		return System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ", "
				+ System.getProperty("java.vm.name") + ", " + System.getProperty("java.home") + ")";
	}

	static String jvmFlags() {
		var args = ManagementFactory.getRuntimeMXBean().getInputArguments();
		return args.isEmpty() ? "(none)" : String.join(" ", args);
	}

	static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

	static String warmUpRule(Options options) {
		return "of at least " + options.warmupSeconds + " s that goes on until the JIT compilers were idle for a "
				+ "whole second (at most " + options.maxWarmupSeconds + " s)";
	}

	/** Prints the common settings, then the experiment's own. */
	void printSettings(String title, String transportName, Map<String, Object> specific) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("jdk", jdk());
		all.put("jvm flags", jvmFlags());
		all.put("max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
		all.put("machine", Cpu.cores() + " cores, " + cpuModel());
		all.put("netty transport", transportName + " (RatsClient.transportName())");
		all.put("byte buffers", Memory.allocatorName());
		all.put("encryption", "on, " + NoiseHandshake.PROTOCOL_NAME);
		all.put("aead", this.aead + " (" + this.aeadSource + ")");
		all.put("flush policy", FLUSH_POLICY);
		all.put("noise guard", (Cpu.quietWaitSeconds > 0) ? "before each window wait up to " + Cpu.quietWaitSeconds
				+ " s for other processes to use < " + Cpu.QUIET_CORES + " cores (column 'other procs' cores' shows "
				+ "what they used during the window)" : "off (--quiet-wait=0)");
		all.putAll(specific);
		System.out.println();
		System.out.println("=".repeat(100));
		System.out.println(title);
		System.out.println("=".repeat(100));
		System.out.println("settings:");
		int width = all.keySet().stream().mapToInt(String::length).max().orElse(10);
		all.forEach((key, value) -> System.out.printf("  %-" + width + "s : %s%n", key, value));
		System.out.println();
		System.out.flush();
	}

}
