package io.librats.benchmarks;

/**
 * One line of the final summary.
 *
 * @param experiment short experiment name
 * @param metric what was measured, with its unit
 * @param value rats' number
 * @param baseline the baseline's number measured in the same run, or NaN
 * @param goal human-readable goal
 * @param met whether the goal is met; {@code null} when the line is informational
 */
record Result(String experiment, String metric, double value, double baseline, String goal, Boolean met) {

	double ratio() {
		return (Double.isNaN(this.baseline) || this.baseline == 0) ? Double.NaN : this.value / this.baseline;
	}

}
