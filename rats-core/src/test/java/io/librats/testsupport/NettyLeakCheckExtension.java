package io.librats.testsupport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test through
 * {@code META-INF/services} and JUnit's extension auto-detection. Leaks surface only after the leaked buffer is
 * collected and another buffer is tracked, so this runs a few rounds of GC plus tracked allocations first.
 */
public class NettyLeakCheckExtension implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		if (context.getRequiredTestClass().isAnnotationPresent(ExpectsLeaks.class)) {
			return;
		}
		List<String> leaks = collect();
		if (!leaks.isEmpty()) {
			throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported while running "
					+ context.getDisplayName() + ":\n" + String.join("\n", leaks));
		}
	}

	/** Forces pending leak reports out and returns them. */
	public static List<String> collect() {
		for (int round = 0; round < 3; round++) {
			System.gc();
			System.runFinalization();
			for (int i = 0; i < 64; i++) {
				ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
				ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
				pooled.release();
				heap.release();
			}
		}
		return RecordingLeakDetector.drain();
	}

}
