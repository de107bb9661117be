package io.librats.testsupport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the leak check can fail: a buffer leaked on purpose is reported. Without this, a broken detector setup
 * would let every other test pass silently.
 */
@ExpectsLeaks
class LeakDetectionSelfTest {

	@Test
	void deliberatelyLeakedBufferIsReported() {
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
		assertThat(RecordingLeakDetector.installed()).isTrue();
		NettyLeakCheckExtension.collect();
		leak();

		List<String> leaks = NettyLeakCheckExtension.collect();

		assertThat(leaks).isNotEmpty();
		assertThat(String.join("\n", leaks)).contains("ByteBuf");
	}

	private static void leak() {
		ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(128);
		buf.writeLong(42);
		// dropped without release()
	}

}
