package io.librats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Connections come and go without leaving threads or file descriptors behind. */
class ResourceStabilityTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	private static long openFileDescriptors() throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
	}

	private static void cycle(RatsClient a, RatsClient b) {
		ConnectionAttemptResult result = a.connectToPeer("127.0.0.1", b.listenPort()).join();
		assertThat(result.success()).as("%s", result.error()).isTrue();
		a.disconnectPeer(b.peerId());
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
			.until(() -> a.peerCount() == 0 && b.peerCount() == 0);
	}

	@Test
	void fiveHundredConnectDisconnectCyclesLeaveThreadsAndDescriptorsFlat() throws IOException {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		for (int i = 0; i < 20; i++) {
			cycle(a, b);
		}
		long fdsBefore = openFileDescriptors();
		int threadsBefore = Thread.activeCount();

		for (int i = 0; i < 500; i++) {
			cycle(a, b);
		}

		long fdsAfter = openFileDescriptors();
		int threadsAfter = Thread.activeCount();
		assertThat(fdsAfter - fdsBefore).as("file descriptors %d -> %d", fdsBefore, fdsAfter).isLessThanOrEqualTo(4);
		assertThat(threadsAfter - threadsBefore).as("threads %d -> %d", threadsBefore, threadsAfter)
			.isLessThanOrEqualTo(2);
		assertThat(a.metrics().get(io.librats.metrics.RatsMetrics.CONNECTIONS_OUTBOUND)).isEqualTo(520);
	}

}
