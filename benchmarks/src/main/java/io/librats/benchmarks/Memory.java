package io.librats.benchmarks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/** Heap after GC, direct memory as the JDK and Netty see it, and live-object class histograms. */
final class Memory {

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private static final Pattern HISTO_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

	private Memory() {
	}

	/** Heap in use after several full collections (System.gc() is a full, compacting GC with G1 and Serial). */
	static long heapUsedAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			sleep(150);
			used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/**
	 * This process' resident set, split by what holds it.
	 *
	 * @param total resident bytes of the whole process (the sum over /proc/self/smaps, as statm counts)
	 * @param heap resident bytes inside the Java heap's reserved range
	 * @param code resident bytes of executable anonymous mappings: the JIT's code cache
	 * @param files resident bytes of file mappings: the JDK's and libraries' code and data, the class data archive
	 */
	record Resident(long total, long heap, long code, long files) {

		/**
		 * Resident bytes of anonymous, non-executable memory outside the Java heap: thread stacks, direct buffers,
		 * malloc, class metadata.
		 */
		long nativeData() {
			return this.total - this.heap - this.code - this.files;
		}

	}

	private static final Pattern SMAPS_RANGE = Pattern.compile("^([0-9a-f]+)-[0-9a-f]+ (\\S+) \\S+ \\S+ (\\d+).*$");

	private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

	/**
	 * Reads {@link Resident} from /proc/self/smaps. The heap's share is worth telling apart on a JVM: G1 first touches
	 * heap pages as it allocates into regions it has not used before or commits again after shrinking, so the resident
	 * set grows with the collector's sizing decisions, while what the program keeps is the live heap after GC. The
	 * code cache and file mappings grow with what the JIT compiles and what code runs for the first time.
	 */
	static Resident resident() {
		long[] heap = HeapRange.BOUNDS;
		long total = 0;
		long inHeap = 0;
		long code = 0;
		long files = 0;
		int kind = 0;
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
				Matcher range = SMAPS_RANGE.matcher(line);
				if (range.matches()) {
					long start = Long.parseUnsignedLong(range.group(1), 16);
					boolean file = !range.group(3).equals("0");
					kind = (start >= heap[0] && start < heap[1]) ? 1 : file ? 3 : range.group(2).contains("x") ? 2 : 0;
				}
				else if (line.startsWith("Rss:")) {
					long bytes = Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
					total += bytes;
					switch (kind) {
						case 1 -> inHeap += bytes;
						case 2 -> code += bytes;
						case 3 -> files += bytes;
						default -> { }
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read /proc/self/smaps", ex);
		}
		return new Resident(total, inHeap, code, files);
	}

	/** The Java heap's reserved address range, read once: it is reserved at start-up and never moves. */
	private static final class HeapRange {

		static final long[] BOUNDS = heapRange();

	}

	/** The Java heap's reserved address range, from the {@code GC.heap_info} diagnostic command. */
	private static long[] heapRange() {
		try {
			Object text = ManagementFactory.getPlatformMBeanServer().invoke(
					new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
					new Object[] { new String[0] }, new String[] { String[].class.getName() });
			Matcher m = HEAP_RANGE.matcher(String.valueOf(text));
			if (!m.find()) {
				throw new IllegalStateException("no heap range in GC.heap_info: " + text);
			}
			return new long[] { Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16) };
		}
		catch (JMException ex) {
			throw new IllegalStateException("GC.heap_info failed", ex);
		}
	}

	/**
	 * Direct memory from every angle that can hold a connection's buffers.
	 *
	 * @param jdkDirectCount buffers in the JDK's "direct" pool (ByteBuffer.allocateDirect with a Cleaner)
	 * @param jdkDirectBytes bytes in that pool
	 * @param nettyDirectCounter Netty's own counter of cleaner-less direct memory (PlatformDependent)
	 * @param defaultAllocatorHeap heap bytes held by ByteBufAllocator.DEFAULT (the allocator channels use)
	 * @param defaultAllocatorDirect direct bytes held by ByteBufAllocator.DEFAULT
	 * @param pooledDirect direct bytes held by PooledByteBufAllocator.DEFAULT (0 when it is not the default)
	 */
	record Direct(long jdkDirectCount, long jdkDirectBytes, long nettyDirectCounter, long defaultAllocatorHeap,
			long defaultAllocatorDirect, long pooledDirect) {

		/** Direct bytes: the JDK pool plus Netty's cleaner-less memory (the two do not overlap). */
		long totalDirect() {
			return this.jdkDirectBytes + Math.max(0, this.nettyDirectCounter);
		}

	}

	static Direct direct() {
		long count = 0;
		long bytes = 0;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				count = pool.getCount();
				bytes = pool.getMemoryUsed();
			}
		}
		long allocHeap = -1;
		long allocDirect = -1;
		if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
			allocHeap = provider.metric().usedHeapMemory();
			allocDirect = provider.metric().usedDirectMemory();
		}
		long pooled = (ByteBufAllocator.DEFAULT == PooledByteBufAllocator.DEFAULT)
				? PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() : 0;
		return new Direct(count, bytes, PlatformDependent.usedDirectMemory(), allocHeap, allocDirect, pooled);
	}

	static String allocatorName() {
		return ByteBufAllocator.DEFAULT.getClass().getSimpleName() + " (ByteBufAllocator.DEFAULT; "
				+ (ByteBufAllocator.DEFAULT.isDirectBufferPooled() ? "direct buffers pooled" : "direct buffers unpooled")
				+ ")";
	}

	/**
	 * Bytes of the objects alive after a full GC, summed over the class histogram: exact, where the heap's "used"
	 * after a full GC is G1's count of regions filled up to their tops, which on this JVM reads a third more than the
	 * objects in it (20.0 against 32.3 KiB per idle peer node). A histogram taken first, whose map this method
	 * drops, keeps the diagnostic's own first-use allocations out of the figure.
	 */
	static long liveHeap() {
		classHistogram();
		long live = classHistogram().values().stream().mapToLong((v) -> v[1]).sum();
		if (live == 0) {
			throw new IllegalStateException("no class histogram in this JVM");
		}
		return live;
	}

	/** Live objects by class after a full GC: name to {instances, bytes}. Empty if the diagnostic is unavailable. */
	static Map<String, long[]> classHistogram() {
		Map<String, long[]> histogram = new HashMap<>();
		try {
			Object text = ManagementFactory.getPlatformMBeanServer().invoke(
					new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
					new Object[] { new String[0] }, new String[] { String[].class.getName() });
			for (String line : String.valueOf(text).split("\\R")) {
				Matcher m = HISTO_LINE.matcher(line);
				if (m.matches()) {
					histogram.put(m.group(3), new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) });
				}
			}
		}
		catch (Exception ex) {
			System.out.println("  (class histogram unavailable: " + ex + ")");
		}
		return histogram;
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
