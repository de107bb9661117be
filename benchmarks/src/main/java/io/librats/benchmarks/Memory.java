package io.librats.benchmarks;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import com.sun.management.HotSpotDiagnosticMXBean;

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
	 * Keeps G1 from resizing the heap while an experiment reads the resident set, until closed. G1 shrinks the heap
	 * after a full GC that leaves more than {@code MaxHeapFreeRatio} of it free, and grows it again under allocation:
	 * a resident set read across that would measure G1's sizing, not what the experiment holds. So the ratios are
	 * set to keep at least 90 % of the heap free and never shrink it (both are manageable flags), which the next full
	 * GC turns into a heap about ten times the live set; the previous values come back on close.
	 */
	static SteadyHeap steadyHeap() {
		HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
		String min = vm.getVMOption("MinHeapFreeRatio").getValue();
		vm.setVMOption("MaxHeapFreeRatio", "100");
		vm.setVMOption("MinHeapFreeRatio", "90");
		return () -> {
			vm.setVMOption("MinHeapFreeRatio", min);
			vm.setVMOption("MaxHeapFreeRatio", max);
		};
	}

	/** Restores G1's heap sizing. */
	interface SteadyHeap extends AutoCloseable {

		@Override
		void close();

	}

	/** Committed heap, bytes. */
	static long heapCommitted() {
		return MEMORY.getHeapMemoryUsage().getCommitted();
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
