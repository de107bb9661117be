package io.librats.noise;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Whether HotSpot compiles the JDK's Poly1305 into its vectorised stub on this machine. The JDK does not say so
 * ({@code UsePoly1305Intrinsics} is a diagnostic flag that management cannot read), so this applies the conditions
 * HotSpot's x86-64 stub generator applies: the AVX-512 stub (JDK-8288047, Java 20) needs AVX-512 IFMA, VL and BW
 * with {@code UseAVX} at 3; the AVX2 one (JDK-8325991, Java 23) needs AVX-IFMA. CPU features come from
 * {@code /proc/cpuinfo}; anywhere that cannot be read (another OS, another architecture) the answer is no, which
 * only costs speed.
 */
final class Poly1305Intrinsic {

	private Poly1305Intrinsic() {
	}

	/** Whether this JVM, running Java {@code javaFeatureVersion}, has the stub on this CPU. */
	static boolean available(int javaFeatureVersion) {
		return available(javaFeatureVersion, cpuFlags(), useAvx());
	}

	static boolean available(int javaFeatureVersion, Set<String> cpuFlags, int useAvx) {
		boolean avx512 = javaFeatureVersion >= 20 && useAvx >= 3
				&& cpuFlags.containsAll(Set.of("avx512ifma", "avx512vl", "avx512bw"));
		boolean avxIfma = javaFeatureVersion >= 23 && useAvx >= 2 && cpuFlags.contains("avx_ifma");
		return avx512 || avxIfma;
	}

	/** The feature flags of the first CPU in {@code /proc/cpuinfo} ({@code flags} on x86, {@code Features} on ARM), or none. */
	static Set<String> cpuFlags() {
		try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
			return lines.filter((line) -> line.startsWith("flags") || line.startsWith("Features"))
				.findFirst()
				.map((line) -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
					.collect(Collectors.toUnmodifiableSet()))
				.orElse(Set.of());
		}
		catch (IOException | RuntimeException ex) {
			return Set.of();
		}
	}

	/** HotSpot's {@code UseAVX} level, 0 where it cannot be read (not HotSpot, not x86). */
	private static int useAvx() {
		String value = vmOption("UseAVX");
		return (value != null) ? Integer.parseInt(value) : 0;
	}

	/** A HotSpot flag's value as management reports it, or null where it cannot be read (not HotSpot, no such flag). */
	static String vmOption(String name) {
		try {
			return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
		}
		catch (RuntimeException | LinkageError ex) {
			return null;
		}
	}

}
