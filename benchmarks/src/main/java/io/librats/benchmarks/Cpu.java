package io.librats.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU accounting for a measurement window: this process' CPU time, the calling thread's CPU time (ThreadMXBean), and
 * the whole machine's busy time from /proc/stat, so a window that shared the cores with other processes can be
 * recognised as noisy. The process' CPU time is the sum of its threads' run time in nanoseconds
 * ({@code /proc/self/task/<tid>/schedstat}, JVM-internal threads included) whenever every thread of the first sample
 * is still there at the second; otherwise, and off Linux, OperatingSystemMXBean's figure, which HotSpot takes from
 * {@code times(2)} in 10-ms ticks: too coarse for a 3-s idle window (one tick is 0.33 % of a core) or a 0.2-s burst.
 */
final class Cpu {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final Path PROC_STAT = Path.of("/proc/stat");

	/** Linux USER_HZ; /proc/stat counts in these ticks. */
	private static final double TICKS_PER_SECOND = 100.0;

	private Cpu() {
	}

	static int cores() {
		return Runtime.getRuntime().availableProcessors();
	}

	/** A point in time; subtract two with {@link #since}. */
	record Sample(long wallNanos, long processCpuNanos, TaskTimes tasks, long threadCpuNanos, long machineBusyTicks,
			long processSystemTicks, long gcMillis, long jitMillis) {

		/** What happened between {@code start} and this sample. */
		Usage since(Sample start) {
			double wall = (this.wallNanos - start.wallNanos) / 1e9;
			double coarse = (this.processCpuNanos - start.processCpuNanos) / 1e9;
			boolean precise = this.tasks != null && start.tasks != null
					&& this.tasks.tids().containsAll(start.tasks.tids());
			double process = precise ? (this.tasks.runNanos() - start.tasks.runNanos()) / 1e9 : coarse;
			double compilers = precise ? (this.tasks.compilerNanos() - start.tasks.compilerNanos()) / 1e9 : Double.NaN;
			double housekeeping = precise
					? (this.tasks.housekeepingNanos() - start.tasks.housekeepingNanos()) / 1e9 : Double.NaN;
			double rats = precise ? (this.tasks.ratsNanos() - start.tasks.ratsNanos()) / 1e9 : Double.NaN;
			// From the same reads as the process figure when there are any, so the one can be taken from the other.
			double thread = precise ? (this.tasks.callerNanos() - start.tasks.callerNanos()) / 1e9
					: (this.threadCpuNanos - start.threadCpuNanos) / 1e9;
			double machine = (this.machineBusyTicks < 0 || start.machineBusyTicks < 0) ? Double.NaN
					: (this.machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND;
			// Ticks over ticks: the kernel's share needs both counts from the same 10-ms accounting.
			double kernel = (this.processSystemTicks < 0 || start.processSystemTicks < 0 || coarse <= 0) ? Double.NaN
					: (this.processSystemTicks - start.processSystemTicks) / TICKS_PER_SECOND / coarse;
			Map<String, Double> others = new TreeMap<>();
			if (precise) {
				this.tasks.others().forEach((name, nanos) -> {
					long used = nanos - start.tasks.others().getOrDefault(name, 0L);
					if (used > 0) {
						others.put(name, used / 1e9);
					}
				});
			}
			return new Usage(wall, process, compilers, housekeeping, rats, thread, machine, kernel,
					(this.gcMillis - start.gcMillis) / 1e3, (this.jitMillis - start.jitMillis) / 1e3, others);
		}

	}

	/**
	 * CPU used during a window, in seconds.
	 *
	 * @param wall elapsed wall-clock time
	 * @param process CPU time of this JVM (all threads)
	 * @param compilerThreads the part of {@code process} the JIT compiler threads used (NaN if unknown)
	 * @param housekeepingThreads the part of {@code process} HotSpot's own periodic threads used, which a JVM that runs
	 * nothing pays too (NaN if unknown; see {@link TaskTimes#HOUSEKEEPING})
	 * @param ratsThreads the part of {@code process} rats' own threads ({@code rats-*}) used (NaN if unknown)
	 * @param callerThread CPU time of the thread that took both samples
	 * @param machine busy time of all cores of the machine (NaN if unknown)
	 * @param kernel the share of {@code process} spent in the kernel (NaN if unknown)
	 * @param gc time the JVM's collectors report for the window (pauses and concurrent cycles, wall time)
	 * @param jit time the JIT compilers report for the window (CompilationMXBean)
	 * @param otherThreads CPU seconds of each remaining thread, by name: not a compiler, housekeeping, rats' or the
	 * calling thread (empty if unknown)
	 */
	record Usage(double wall, double process, double compilerThreads, double housekeepingThreads, double ratsThreads,
			double callerThread, double machine,
			double kernel, double gc, double jit, Map<String, Double> otherThreads) {

		/** The busiest of {@link #otherThreads}, as "name x.xx%" of a core, or "none". */
		String busiestOtherThreads(int count) {
			String listed = this.otherThreads.entrySet().stream()
				.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
				.limit(count)
				.map((e) -> String.format(Locale.ROOT, "%s %.2f%%", e.getKey(), 100 * e.getValue() / this.wall))
				.collect(Collectors.joining(", "));
			return listed.isEmpty() ? "none" : listed;
		}

		/** Share of this JVM's CPU time spent in the kernel (system calls: sockets, epoll, futex). */
		double kernelShare() {
			return this.kernel;
		}

		/** Cores this JVM kept busy on average, the JIT compiler threads left out (all of it if they are unknown). */
		double processCoresWithoutJit() {
			return (Double.isNaN(this.compilerThreads) ? this.process : this.process - this.compilerThreads) / this.wall;
		}

		/**
		 * Cores kept busy by everything but the JIT compiler threads and the thread that took the samples: in an idle
		 * window that thread only sleeps and then reads a file per thread from {@code /proc}, which is the
		 * benchmark's work, not the nodes'.
		 */
		double processCoresWithoutJitOrCaller() {
			return processCoresWithoutJit() - this.callerThread / this.wall;
		}

		/** Cores HotSpot's periodic threads kept busy on average (NaN if unknown). */
		double housekeepingCores() {
			return this.housekeepingThreads / this.wall;
		}

		/** Cores rats' own threads kept busy on average (NaN if unknown). */
		double ratsCores() {
			return this.ratsThreads / this.wall;
		}

		/** Cores this JVM kept busy on average. */
		double processCores() {
			return this.process / this.wall;
		}

		/** Cores other processes kept busy on average (noise); NaN if unknown. */
		double foreignCores() {
			return Double.isNaN(this.machine) ? Double.NaN : Math.max(0, (this.machine - this.process) / this.wall);
		}

	}

	/** Most seconds {@link #awaitQuiet} waits; 0 disables it. Set from {@code --quiet-wait}. */
	static volatile double quietWaitSeconds = 5;

	/** Other processes' load below which the machine counts as quiet, in cores. */
	static final double QUIET_CORES = 0.25;

	/**
	 * Waits, at most {@link #quietWaitSeconds}, until other processes have kept less than {@link #QUIET_CORES}
	 * cores busy for 300 ms, so a measurement window is less likely to share the cores. Returns the last load seen.
	 */
	static double awaitQuiet() {
		long deadline = System.nanoTime() + (long) (quietWaitSeconds * 1e9);
		double foreign;
		do {
			Sample s0 = sample();
			Memory.sleep(300);
			foreign = sample().since(s0).foreignCores();
		} while (!(foreign < QUIET_CORES) && !Double.isNaN(foreign) && System.nanoTime() < deadline);
		return foreign;
	}

	/** Total time the JIT compilers have spent so far, in milliseconds (0 if not monitored). */
	static long jitMillis() {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		return (jit != null && jit.isCompilationTimeMonitoringSupported()) ? jit.getTotalCompilationTime() : 0;
	}

	/**
	 * JIT-aware warm-up: runs {@code slice} (about a second of the work about to be measured) again and again for at
	 * least {@code minSeconds}, then until two slices in a row pass with the JIT compilers idle, for at most
	 * {@code maxSeconds}. On 2 cores C2 needs 10-20 s for Netty and the ciphers; measuring before it is done measures
	 * half-compiled code. Returns a description for the report.
	 */
	static String warmUp(Runnable slice, double minSeconds, double maxSeconds) {
		long start = System.nanoTime();
		int quietSlices = 0;
		double elapsed = 0;
		while (elapsed < maxSeconds) {
			Sample s0 = sample();
			slice.run();
			quietSlices = jitQuiet(sample().since(s0)) ? quietSlices + 1 : 0;
			elapsed = (System.nanoTime() - start) / 1e9;
			// Two quiet slices in a row: on a busy machine one can be a lull between compilations.
			if (quietSlices >= 2 && elapsed >= minSeconds) {
				break;
			}
		}
		boolean quiet = quietSlices >= 2;
		return String.format(Locale.ROOT, "%.0f s%s", elapsed, quiet ? "" : " (JIT still compiling)");
	}

	/**
	 * Waits, at most {@code maxSeconds}, until the JIT compilers have compiled nothing for a whole second: an idle
	 * node's steady state, which a native program is in from the start. Returns the seconds waited.
	 */
	static double awaitJitIdle(double maxSeconds) {
		long start = System.nanoTime();
		long deadline = start + (long) (maxSeconds * 1e9);
		long before = jitMillis();
		do {
			Memory.sleep(1000);
			long after = jitMillis();
			if (after == before) {
				break;
			}
			before = after;
		} while (System.nanoTime() < deadline);
		return (System.nanoTime() - start) / 1e9;
	}

	/** Whether the JIT compilers were (nearly) idle during a window: under 5% of its wall time. */
	static boolean jitQuiet(Usage usage) {
		return usage.jit() < 0.05 * usage.wall();
	}

	static Sample sample() {
		long gc = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			gc += Math.max(0, collector.getCollectionTime());
		}
		return new Sample(System.nanoTime(), OS.getProcessCpuTime(), TaskTimes.read(), THREADS.getCurrentThreadCpuTime(),
				machineBusyTicks(), processSystemTicks(), gc, jitMillis());
	}

	/**
	 * The run time of this process' threads, summed, in nanoseconds, and which threads they were.
	 *
	 * @param tids the thread ids read
	 * @param runNanos the sum of their run times
	 * @param compilerNanos the part of {@code runNanos} of the JIT compiler threads
	 * @param housekeepingNanos the part of {@code runNanos} of {@link #HOUSEKEEPING} threads
	 * @param ratsNanos the part of {@code runNanos} of rats' threads (names starting {@code rats-})
	 * @param callerNanos the part of {@code runNanos} of the thread that read them
	 * @param others the run times of every other thread, summed by name
	 */
	record TaskTimes(Set<String> tids, long runNanos, long compilerNanos, long housekeepingNanos, long ratsNanos,
			long callerNanos, Map<String, Long> others) {

		/**
		 * HotSpot's periodic threads, as the kernel names them (15 characters): they wake on timers whatever the
		 * program does (performance counters every 50 ms, G1's periodic service, monitor deflation).
		 */
		static final Set<String> HOUSEKEEPING = Set.of("VM Periodic Tas", "G1 Service", "Monitor Deflati", "VM Thread",
				"Service Thread");

		private static final Path TASKS = Path.of("/proc/self/task");

		/** The current times, or null where /proc cannot be read. */
		static TaskTimes read() {
			Set<String> tids = new HashSet<>();
			long sum = 0;
			long compilers = 0;
			long housekeeping = 0;
			long rats = 0;
			long caller = 0;
			Map<String, Long> others = new HashMap<>();
			String self;
			try {
				self = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
			try (DirectoryStream<Path> dir = Files.newDirectoryStream(TASKS)) {
				for (Path task : dir) {
					String schedstat;
					try {
						schedstat = Files.readString(task.resolve("schedstat"));
					}
					catch (IOException ex) {
						// The thread ended between the listing and the read: not there at this sample.
						continue;
					}
					// "<run ns> <wait ns> <timeslices>"
					long run = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
					String tid = task.getFileName().toString();
					sum += run;
					// Read every time: HotSpot starts and ends compiler threads as needed, and thread ids are reused.
					String name = name(task);
					if (name.contains("CompilerThre")) {
						// "C1 CompilerThre", "C2 CompilerThre"
						compilers += run;
					}
					else if (HOUSEKEEPING.contains(name)) {
						housekeeping += run;
					}
					else if (name.startsWith("rats-")) {
						rats += run;
					}
					else if (!tid.equals(self)) {
						others.merge(name, run, Long::sum);
					}
					if (tid.equals(self)) {
						caller = run;
					}
					tids.add(tid);
				}
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
			return new TaskTimes(tids, sum, compilers, housekeeping, rats, caller, others);
		}

		/** The thread's name as the kernel keeps it (15 characters), or "" if it ended. */
		private static String name(Path task) {
			try {
				return Files.readString(task.resolve("comm")).trim();
			}
			catch (IOException ex) {
				return "";
			}
		}

	}

	/** CPU nanoseconds used so far by each live thread, summed by thread name. */
	static Map<String, Long> threadTimes() {
		Map<String, Long> times = new HashMap<>();
		for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
			if (info != null) {
				long nanos = THREADS.getThreadCpuTime(info.getThreadId());
				if (nanos > 0) {
					times.merge(info.getThreadName(), nanos, Long::sum);
				}
			}
		}
		return times;
	}

	/**
	 * Where the CPU went between two {@link #threadTimes()} snapshots: seconds per role, each thread given the first
	 * role whose name prefix it starts with, "other" otherwise (threads that ended in between are not counted).
	 */
	static String byRole(Map<String, Long> before, Map<String, Long> after, Map<String, String> prefixToRole) {
		Map<String, Double> seconds = new LinkedHashMap<>();
		prefixToRole.values().forEach((role) -> seconds.put(role, 0.0));
		after.forEach((name, nanos) -> {
			String role = prefixToRole.entrySet().stream().filter((e) -> name.startsWith(e.getKey()))
				.map(Map.Entry::getValue).findFirst().orElse("other");
			seconds.merge(role, (nanos - before.getOrDefault(name, 0L)) / 1e9, Double::sum);
		});
		StringBuilder text = new StringBuilder();
		seconds.forEach((role, s) -> text.append((text.length() == 0) ? "" : ", ")
			.append(String.format(Locale.ROOT, "%s %.3f s", role, s)));
		return text.toString();
	}

	/** stime of this process from /proc/self/stat, or -1 off Linux. */
	private static long processSystemTicks() {
		try {
			String stat = Files.readString(Path.of("/proc/self/stat"));
			// Fields after the parenthesised command name; stime is field 15, i.e. index 12 after ')'.
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Sum of the non-idle columns of the "cpu" line of /proc/stat, or -1 off Linux. */
	private static long machineBusyTicks() {
		try {
			List<String> lines = Files.readAllLines(PROC_STAT);
			String[] f = lines.get(0).trim().split("\\s+");
			long busy = 0;
			// user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
			for (int i = 1; i <= 8 && i < f.length; i++) {
				if (i != 4 && i != 5) {
					busy += Long.parseLong(f[i]);
				}
			}
			return busy;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
