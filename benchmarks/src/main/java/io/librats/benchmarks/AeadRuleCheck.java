package io.librats.benchmarks;

import java.util.EnumMap;
import java.util.Map;

import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseException;

/**
 * Checks {@link AeadImplementation#fastest()} against a measurement on this machine and JVM: every implementation
 * seals and opens plaintexts of the sizes rats' traffic has (a small message, a bulk frame, a full Noise message),
 * after a warm-up of all of them in turn, timed by thread CPU; medians of several rounds. The rule passes where its
 * choice is the fastest, or within {@value #TOLERANCE_PERCENT} % of it.
 */
final class AeadRuleCheck {

	static final String COMMAND = "aead";

	static final int TOLERANCE_PERCENT = 5;

	private static final int[] SIZES = { 256, 16_384, AeadBaseline.PLAINTEXT };

	private static final int ROUNDS = 7;

	private AeadRuleCheck() {
	}

	public static void main(String[] args) throws NoiseException {
		AeadImplementation chosen = AeadImplementation.fastest();
		System.out.println("jdk: " + Env.jdk());
		System.out.println("machine: " + Cpu.cores() + " cores, " + Env.cpuModel());
		System.out.println("AeadImplementation.fastest() chose " + chosen);
		AeadImplementation[] all = AeadImplementation.values();
		long warmUntil = System.nanoTime() + 8_000_000_000L;
		while (System.nanoTime() < warmUntil) {
			for (int size : SIZES) {
				for (AeadImplementation aead : all) {
					new AeadBaseline(aead, size).sealAndOpenPerCpuSecond(0.02);
				}
				new AeadBaseline(chosen, size, NoiseCipher.AES_GCM).sealAndOpenPerCpuSecond(0.02);
			}
		}
		Table table = new Table(header(all));
		boolean pass = true;
		for (int size : SIZES) {
			Map<AeadImplementation, double[]> rounds = new EnumMap<>(AeadImplementation.class);
			double[] aesGcm = new double[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				for (AeadImplementation aead : all) {
					rounds.computeIfAbsent(aead, (a) -> new double[ROUNDS])[round] =
							new AeadBaseline(aead, size).sealAndOpenPerCpuSecond(0.1);
				}
				aesGcm[round] = new AeadBaseline(chosen, size, NoiseCipher.AES_GCM).sealAndOpenPerCpuSecond(0.1);
			}
			Map<AeadImplementation, Double> median = new EnumMap<>(AeadImplementation.class);
			rounds.forEach((aead, values) -> median.put(aead, Spin.percentile(values, 0.5)));
			AeadImplementation best = median.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
				.getKey();
			boolean ok = median.get(chosen) >= median.get(best) * (1 - TOLERANCE_PERCENT / 100.0);
			pass &= ok;
			Object[] row = new Object[all.length + 4];
			row[0] = size + " B";
			for (int i = 0; i < all.length; i++) {
				row[i + 1] = Table.num(median.get(all[i]));
			}
			row[all.length + 1] = best.name();
			row[all.length + 2] = ok ? "yes" : "NO";
			row[all.length + 3] = Table.num(Spin.percentile(aesGcm, 0.5));
			table.row(row);
		}
		System.out.println("seal + open, plaintext MB/s per CPU second (median of " + ROUNDS + " rounds of 0.1 s):");
		table.print(System.out);
		System.out.println("rule " + (pass ? "CONFIRMED" : "CONTRADICTED") + " on this machine: " + chosen
				+ (pass ? " is the fastest, or within " + TOLERANCE_PERCENT + " %, at every size"
						: " is slower than the fastest by more than " + TOLERANCE_PERCENT + " % at some size"));
		System.out.println("AES-GCM (the JDK's; a session uses it when both nodes offer it): offered here "
				+ (NoiseCipher.hardwareAesGcm() ? "yes (hardware AES)" : "no (no hardware AES)"));
	}

	private static String[] header(AeadImplementation[] all) {
		String[] header = new String[all.length + 4];
		header[0] = "plaintext";
		for (int i = 0; i < all.length; i++) {
			header[i + 1] = all[i].name();
		}
		header[all.length + 1] = "fastest";
		header[all.length + 2] = "rule's choice within " + TOLERANCE_PERCENT + " %";
		header[all.length + 3] = "AES-GCM (JDK)";
		return header;
	}

}
