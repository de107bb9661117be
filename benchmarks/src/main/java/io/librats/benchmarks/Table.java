package io.librats.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A plain-text table with right-aligned numeric columns, printed as Markdown-compatible rows. */
final class Table {

	private final String[] headers;

	private final List<String[]> rows = new ArrayList<>();

	Table(String... headers) {
		this.headers = headers;
	}

	Table row(Object... cells) {
		String[] row = new String[this.headers.length];
		Arrays.fill(row, "");
		for (int i = 0; i < cells.length && i < row.length; i++) {
			row[i] = String.valueOf(cells[i]);
		}
		this.rows.add(row);
		return this;
	}

	void print(PrintStream out) {
		int[] widths = new int[this.headers.length];
		for (int i = 0; i < widths.length; i++) {
			widths[i] = this.headers[i].length();
			for (String[] row : this.rows) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		out.println(line(this.headers, widths));
		StringBuilder sep = new StringBuilder("|");
		for (int width : widths) {
			sep.append('-').append("-".repeat(width)).append("-|");
		}
		out.println(sep);
		for (String[] row : this.rows) {
			out.println(line(row, widths));
		}
		out.flush();
	}

	private static String line(String[] cells, int[] widths) {
		StringBuilder b = new StringBuilder("|");
		for (int i = 0; i < cells.length; i++) {
			boolean numeric = !cells[i].isEmpty() && (Character.isDigit(cells[i].charAt(0)) || cells[i].charAt(0) == '-'
					|| cells[i].charAt(0) == '~') && i > 0;
			String cell = numeric ? " ".repeat(widths[i] - cells[i].length()) + cells[i]
					: cells[i] + " ".repeat(widths[i] - cells[i].length());
			b.append(' ').append(cell).append(" |");
		}
		return b.toString();
	}

	static String num(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (Math.abs(value) >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	static String ratio(double value) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2fx", value);
	}

	static String kib(double bytes) {
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
	}

}
