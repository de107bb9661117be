package io.librats.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * The rows of the transport table: which of our measurements stands beside which figure of upstream's TCP column,
 * which direction is better, and the goal of issue 4. Prints the side-by-side with ours / upstream per row.
 */
final class TransportRows {

	/**
	 * @param key our measurement's key
	 * @param experiment upstream's experiment name
	 * @param metric what the row shows
	 * @param unit its unit
	 * @param lowerIsBetter whether a smaller number is the better one
	 * @param upstreamKey "section/label" of upstream's figure, or null when upstream has none
	 * @param goal the goal in words, empty when the row is informational
	 * @param met whether (ours, upstream) meets the goal; null for informational rows
	 */
	record Row(String key, String experiment, String metric, String unit, boolean lowerIsBetter, String upstreamKey,
			String goal, BiPredicate<Double, Double> met) {
	}

	private static final BiPredicate<Double, Double> TWICE_UPSTREAM = (ours, upstream) -> ours >= 2 * upstream;

	private static final BiPredicate<Double, Double> AT_MOST_UPSTREAM = (ours, upstream) -> ours <= upstream;

	private static final BiPredicate<Double, Double> AHEAD_OF_UPSTREAM = (ours, upstream) -> ours > upstream;

	/** The issue asks bulk for twice upstream's rate on JDK 25, where ChaCha20 has an intrinsic, and a lead on 17. */
	private static final boolean INTRINSIC_GOALS = Runtime.version().feature() >= 25;

	private static final BiPredicate<Double, Double> BULK_RATE = INTRINSIC_GOALS ? TWICE_UPSTREAM : AHEAD_OF_UPSTREAM;

	private static final String BULK_RATE_GOAL = INTRINSIC_GOALS ? ">= 2x upstream" : "> upstream (JDK < 25)";

	static final List<Row> ROWS = List.of(
			new Row("dial.p50", "dial", "median, fresh client with its own threads", "ms", true, "dial/median",
					"<= 1.5 ms", (o, u) -> o <= 1.5),
			new Row("dial.p95", "dial", "p95, fresh client with its own threads", "ms", true, "dial/p95", "", null),
			new Row("dial.shared.p50", "dial", "median, fresh client on shared threads", "ms", true, "dial/median",
					"<= 1.5 ms", (o, u) -> o <= 1.5),
			new Row("dial.shared.p95", "dial", "p95, fresh client on shared threads", "ms", true, "dial/p95", "", null),
			new Row("dial.cold.p50", "dial", "median, cold JVM (no warm-up)", "ms", true, "dial/median", "", null),
			new Row("rtt.io.p50", "rtt", "median, handlers on the I/O thread", "us", true, "rtt/median", "<= 60 us",
					(o, u) -> o <= 60),
			new Row("rtt.io.p99", "rtt", "p99, handlers on the I/O thread", "us", true, "rtt/p99", "", null),
			new Row("rtt.exec.p50", "rtt", "median, default executor", "us", true, "rtt/median", "", null),
			new Row("rtt.exec.p99", "rtt", "p99, default executor", "us", true, "rtt/p99", "", null),
			new Row("bulk.io.mbps", "bulk", "throughput, I/O-thread handler", "MB/s", false, "bulk/throughput",
					BULK_RATE_GOAL, BULK_RATE),
			new Row("bulk.io.cpu", "bulk", "CPU per GB, I/O-thread handler", "s/GB", true, "bulk/CPU per GB",
					"<= upstream", AT_MOST_UPSTREAM),
			new Row("bulk.exec.mbps", "bulk", "throughput, default executor", "MB/s", false, "bulk/throughput",
					BULK_RATE_GOAL, BULK_RATE),
			new Row("bulk.exec.cpu", "bulk", "CPU per GB, default executor", "s/GB", true, "bulk/CPU per GB",
					"<= upstream", AT_MOST_UPSTREAM),
			new Row("small.io.rate", "small", "messages, I/O-thread handler", "msg/s", false, "small/messages",
					">= 2x upstream", TWICE_UPSTREAM),
			new Row("small.io.cpu", "small", "CPU per msg, I/O-thread handler", "us", true, "small/CPU per msg", "",
					null),
			new Row("small.exec.rate", "small", "messages, default executor", "msg/s", false, "small/messages",
					">= 2x upstream", TWICE_UPSTREAM),
			new Row("small.exec.cpu", "small", "CPU per msg, default executor", "us", true, "small/CPU per msg", "",
					null),
			new Row("idle.shared.cpu", "idle", "CPU, 32 idle peers, each a whole node with default (shared) threads, without JIT or the measuring thread", "% core",
					true, "idle/CPU", "<= 1 %", (o, u) -> o <= 1),
			new Row("idle.shared.cpu.all", "idle", "CPU, same, JIT compiler and measuring threads included", "% core", true, "idle/CPU",
					"", null),
			new Row("idle.shared.cpu.jvm", "idle", "CPU, same, of which HotSpot's periodic threads", "% core", true, null, "",
					null),
			new Row("idle.shared.cpu.rats", "idle", "CPU, same, of which rats' own threads", "% core", true, null, "", null),
			new Row("idle.shared.rss", "idle", "resident / peer (native data + live heap), each a whole node with default (shared) threads", "KiB", true,
					"idle/resident / peer", "<= 32 KiB", (o, u) -> o <= 32),
			new Row("idle.shared.rss.raw", "idle", "resident set growth as read / peer (heap pages G1 touched included), same", "KiB", true,
					"idle/resident / peer", "", null),
			new Row("idle.shared.heap", "idle", "live heap (class histogram) + direct after GC / peer, each a whole node with default (shared) threads", "KiB",
					true, null, "", null),
			new Row("idle.cpu", "idle", "CPU, 32 idle peers, each a whole node with threads of its own, without JIT or the measuring thread", "% core", true, "idle/CPU",
					"<= 1 %", (o, u) -> o <= 1),
			new Row("idle.cpu.all", "idle", "CPU, same, JIT compiler and measuring threads included", "% core", true, "idle/CPU", "",
					null),
			new Row("idle.cpu.jvm", "idle", "CPU, same, of which HotSpot's periodic threads", "% core", true, null, "",
					null),
			new Row("idle.cpu.rats", "idle", "CPU, same, of which rats' own threads", "% core", true, null, "", null),
			new Row("idle.rss", "idle", "resident / peer (native data + live heap), each a whole node with threads of its own (opt-in)", "KiB", true, "idle/resident / peer", "",
					null),
			new Row("idle.rss.raw", "idle", "resident set growth as read / peer (heap pages G1 touched included), same", "KiB", true,
					"idle/resident / peer", "", null),
			new Row("idle.heap", "idle", "live heap (class histogram) + direct after GC / peer, each a whole node with threads of its own", "KiB", true, null, "", null),
			new Row("idle.thread.rss", "idle", "resident / platform thread that ran Java code (floor of the row above: 3 threads a node)", "KiB", true, null, "", null),
			new Row("idle.conn.cpu", "idle", "CPU, 32 idle peers in another process, without JIT or the measuring thread", "% core", true,
					"idle/CPU", "<= 1 %", (o, u) -> o <= 1),
			new Row("idle.conn.cpu.all", "idle", "CPU, same, JIT compiler and measuring threads included", "% core", true, "idle/CPU", "",
					null),
			new Row("idle.conn.cpu.jvm", "idle", "CPU, same, of which HotSpot's periodic threads", "% core", true, null, "",
					null),
			new Row("idle.conn.cpu.rats", "idle", "CPU, same, of which rats' own threads", "% core", true, null, "", null),
			new Row("idle.conn.rss", "idle", "resident / peer (native data + live heap), peers in another process", "KiB", true,
					"idle/resident / peer", "<= 32 KiB", (o, u) -> o <= 32),
			new Row("idle.conn.rss.raw", "idle", "resident set growth as read / peer (heap pages G1 touched included), same", "KiB", true,
					"idle/resident / peer", "", null),
			new Row("idle.conn.heap", "idle", "live heap (class histogram) + direct after GC / peer, peers in another process", "KiB", true,
					null, "", null),
			new Row("burst.survived", "burst", "offered until the peer was dropped (0 = never)", "MiB", false,
					"burst/survived", "never dropped", (o, u) -> o == 0),
			new Row("burst.unwritable", "burst", "offered when isWritable() turned false", "MiB", true, null, "", null),
			new Row("burst.accepted", "burst", "accepted before OutboundBufferFullException", "MiB", true, null, "",
					null),
			new Row("burst.rejected", "burst", "sends rejected with OutboundBufferFullException", "", true, null, "",
					null),
			new Row("burst.delivered", "burst", "accepted bytes delivered", "%", false, null, "100 %",
					(o, u) -> o >= 100),
			new Row("burst.paced.rejected", "burst", "rejections when paced by isWritable + callback", "", true, null,
					"0", (o, u) -> o == 0));

	private TransportRows() {
	}

	/** The side-by-side: the median over runs of each row, ours and upstream's, and their ratio. */
	static void printSideBySide(PrintStream out, List<Map<String, Double>> ours, List<Map<String, Double>> upstream) {
		boolean withUpstream = !upstream.isEmpty();
		String runs = (ours.size() == 1) ? "" : " (median of " + ours.size() + ")";
		Table table = new Table("experiment", "metric", "unit", "rats" + runs, "upstream TCP" + runs,
				"rats / upstream", "goal", "met");
		for (Row row : ROWS) {
			double o = median(ours, row.key());
			double u = (withUpstream && row.upstreamKey() != null) ? median(upstream, row.upstreamKey()) : Double.NaN;
			if (Double.isNaN(o) && Double.isNaN(u)) {
				continue;
			}
			table.row(row.experiment(), row.metric(), row.unit(), Table.num(o), Table.num(u), ratio(row, o, u),
					row.goal(), met(row, o, u, withUpstream));
		}
		table.print(out);
	}

	/** Every run's value of every row, ours and upstream's side by side, for the raw record. */
	static void printRuns(PrintStream out, List<Map<String, Double>> ours, List<Map<String, Double>> upstream) {
		List<String> headers = new ArrayList<>(List.of("metric", "unit"));
		for (int i = 1; i <= ours.size(); i++) {
			headers.add("rats #" + i);
			if (i <= upstream.size()) {
				headers.add("upstream #" + i);
			}
		}
		Table table = new Table(headers.toArray(String[]::new));
		for (Row row : ROWS) {
			List<Object> cells = new ArrayList<>(List.of(row.experiment() + " " + row.metric(), row.unit()));
			for (int i = 0; i < ours.size(); i++) {
				cells.add(Table.num(ours.get(i).getOrDefault(row.key(), Double.NaN)));
				if (i < upstream.size()) {
					cells.add(Table.num((row.upstreamKey() == null) ? Double.NaN
							: upstream.get(i).getOrDefault(row.upstreamKey(), Double.NaN)));
				}
			}
			table.row(cells.toArray());
		}
		table.print(out);
	}

	private static double median(List<Map<String, Double>> runs, String key) {
		return Spin.median(runs.stream().map((run) -> run.getOrDefault(key, Double.NaN)).toList());
	}

	private static String ratio(Row row, double ours, double upstream) {
		if (Double.isNaN(ours) || Double.isNaN(upstream) || upstream == 0 || ours == 0) {
			return "-";
		}
		double r = ours / upstream;
		boolean better = row.lowerIsBetter() ? r < 1 : r > 1;
		return String.format(Locale.ROOT, "%.2fx %s", r, better ? "better" : "worse");
	}

	private static String met(Row row, double ours, double upstream, boolean withUpstream) {
		if (row.met() == null || Double.isNaN(ours)) {
			return "";
		}
		boolean needsUpstream = row.met() == TWICE_UPSTREAM || row.met() == AT_MOST_UPSTREAM
				|| row.met() == AHEAD_OF_UPSTREAM;
		if (needsUpstream && (!withUpstream || Double.isNaN(upstream))) {
			return "(needs --upstream)";
		}
		return row.met().test(ours, upstream) ? "yes" : "NO";
	}

}
