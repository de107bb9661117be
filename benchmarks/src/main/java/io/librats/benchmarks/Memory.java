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
	 * This process' resident set, and the part of it inside the Java heap's reserved range.
	 *
	 * @param total resident bytes of the whole process (the sum over /proc/self/smaps, as statm counts)
	 * @param heap resident bytes inside the Java heap
	 */
	record Resident(long total, long heap) {

		/** Resident bytes outside the Java heap: thread stacks, direct buffers, malloc, code, metadata. */
		long outsideHeap() {
			return this.total - this.heap;
		}

	}

	private static final Pattern SMAPS_RANGE = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) .*");

	private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

	/**
	 * Reads {@link Resident} from /proc/self/smaps. The heap's share is worth telling apart on a JVM: G1 first touches
	 * heap pages as it allocates into regions it has not used before or commits again after shrinking, so the resident
	 * set grows with the collector's sizing decisions, while what the program keeps is the live heap after GC.
	 */
	static Resident resident() {
		long[] heap = heapRange();
		long total = 0;
		long inHeap = 0;
		boolean inside = false;
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
				Matcher range = SMAPS_RANGE.matcher(line);
				if (range.matches()) {
					long start = Long.parseUnsignedLong(range.group(1), 16);
					inside = start >= heap[0] && start < heap[1];
				}
				else if (line.startsWith("Rss:")) {
					long kib = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
					total += kib * 1024;
					if (inside) {
						inHeap += kib * 1024;
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read /proc/self/smaps", ex);
		}
		return new Resident(total, inHeap);
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
