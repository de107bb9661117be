package io.librats.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseCipher;
import io.netty.channel.epoll.Epoll;
import io.netty.util.internal.PlatformDependent;

/** The settings every report starts with, so a number is never read without its conditions. */
final class Env {

	static final String FLUSH_POLICY = "one flush per event-loop turn (PeerConnection: writes queued on the loop, "
			+ "one flush task scheduled behind them)";

	final AeadImplementation aead;

	final String aeadSource;

	/** Whether nodes offer AES-GCM; they use it where the JVM has hardware AES ({@link #cipher()}). */
	final boolean aesGcm;

	Env(Options options) {
		this(options.aead, options.aesGcm);
	}

	/**
	 * @param forced the AEAD named by {@code --aead}, or {@code null} to measure the fastest
	 * @param aesGcm whether nodes offer AES-GCM ({@code --aes-gcm})
	 */
	Env(AeadImplementation forced, boolean aesGcm) {
		this.aesGcm = aesGcm;
		if (forced != null) {
			this.aead = forced;
			this.aeadSource = "forced by --aead";
		}
		else {
			this.aead = AeadImplementation.fastest();
			this.aeadSource = "AeadImplementation.fastest() chose it for this JVM";
		}
	}

	/** The Noise cipher two of our nodes agree on in this JVM. */
	NoiseCipher cipher() {
		return (this.aesGcm && NoiseCipher.hardwareAesGcm()) ? NoiseCipher.AES_GCM : NoiseCipher.CHACHA_POLY;
	}

	/** The encryption line of a report: protocol name and why this cipher. */
	String encryption() {
		return "on, " + cipher().protocolName() + (this.aesGcm ? (NoiseCipher.hardwareAesGcm()
				? " (both nodes offer AES-GCM: hardware AES in this JVM; --aes-gcm=false for ChaCha20-Poly1305)"
				: " (no hardware AES in this JVM, so AES-GCM is not offered)") : " (--aes-gcm=false)");
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

	/** Whether Netty may use {@code sun.misc.Unsafe} (Netty 4.2 stops by default on JDK 24+), and why not. */
	static String nettyUnsafe() {
		String property = System.getProperty("io.netty.noUnsafe");
		String state = PlatformDependent.hasUnsafe() ? "available"
				: "NOT available (" + PlatformDependent.getUnsafeUnavailabilityCause() + ")";
		return "PlatformDependent.hasUnsafe(): " + state + "; -Dio.netty.noUnsafe=" + ((property == null) ? "(unset)"
				: property) + "; direct buffer cleaner-less: " + PlatformDependent.useDirectBufferNoCleaner();
	}

	/** Whether Netty's native epoll transport loaded, and why not. */
	static String nativeTransport() {
		return Epoll.isAvailable() ? "epoll available (native transport in use unless disabled in RatsConfig)"
				: "epoll NOT available (" + Epoll.unavailabilityCause() + "), NIO in use";
	}

	/** The machine's 1, 5 and 15-minute load averages and runnable/total tasks, from /proc/loadavg. */
	static String loadAverage() {
		try {
			String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min; runnable/total tasks " + f[3] + ") on " + Cpu.cores()
					+ " cores";
		}
		catch (IOException | RuntimeException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
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
		all.put("encryption", encryption());
		all.put("aead", this.aead + " (" + this.aeadSource + "; ChaCha20-Poly1305 sessions only)");
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
