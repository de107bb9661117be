package io.librats.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Busy-waiting and the statistics of upstream's bench_transport. The transport experiments wait for microsecond
 * events by spinning with {@link Thread#yield()}, exactly as upstream's {@code spin_for} does: a park/unpark costs
 * 5-10 us, which would be most of a round trip.
 */
final class Spin {

	private Spin() {
	}

	/** Spins until {@code condition} holds; false if it still does not after {@code timeout}. */
	static boolean until(BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			Thread.yield();
		}
		return true;
	}

	/** Like {@link #until}, but a timeout is an error naming {@code what}. */
	static void awaitOrFail(BooleanSupplier condition, Duration timeout, String what) {
		if (!until(condition, timeout)) {
			throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
		}
	}

	/** Percentile with linear interpolation between closest ranks, as upstream computes it; NaN if empty. */
	static double percentile(double[] values, double p) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		double index = p * (sorted.length - 1);
		int lo = (int) index;
		int hi = Math.min(lo + 1, sorted.length - 1);
		return sorted[lo] + (index - lo) * (sorted[hi] - sorted[lo]);
	}

	/** Median of the values that are not NaN; NaN if none is. */
	static double median(List<Double> values) {
		return percentile(values.stream().filter((v) -> v != null && !v.isNaN()).mapToDouble(Double::doubleValue)
			.toArray(), 0.5);
	}

}
