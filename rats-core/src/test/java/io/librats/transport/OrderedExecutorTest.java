package io.librats.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-peer order on a shared pool, and a busy peer giving the pool thread back to the others. */
class OrderedExecutorTest {

	private final ExecutorService pool = Executors.newFixedThreadPool(1);

	@AfterEach
	void stop() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void runsTasksInSubmissionOrderAndSurvivesAFailingOne() {
		OrderedExecutor executor = new OrderedExecutor(this.pool);
		List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 10_000; i++) {
			int n = i;
			executor.execute(() -> {
				ran.add(n);
				if (n == 500) {
					throw new IllegalStateException("handler failure");
				}
			});
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 10_000);
		for (int i = 0; i < 10_000; i++) {
			assertThat(ran.get(i)).isEqualTo(i);
		}
	}

	@Test
	void aBusyPeerGivesThePoolThreadBackWithinItsSlice() throws InterruptedException {
		OrderedExecutor busy = new OrderedExecutor(this.pool);
		OrderedExecutor other = new OrderedExecutor(this.pool);
		int tasks = 5_000;
		AtomicInteger busyRan = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch otherQueued = new CountDownLatch(1);
		busy.execute(() -> {
			// Holds the busy peer's turn until the other peer's task is queued, so a slow test thread cannot let
			// the busy peer run ahead before there is anybody to yield to.
			started.countDown();
			awaitQuietly(otherQueued);
		});
		for (int i = 0; i < tasks; i++) {
			busy.execute(() -> {
				// 20 us of work a task: 100 ms for all, against a 1-ms slice.
				long end = System.nanoTime() + 20_000;
				while (System.nanoTime() < end) {
					Thread.onSpinWait();
				}
				busyRan.incrementAndGet();
			});
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicInteger busyWhenOtherRan = new AtomicInteger(-1);
		other.execute(() -> busyWhenOtherRan.set(busyRan.get()));
		otherQueued.countDown();
		await().atMost(Duration.ofSeconds(30)).until(() -> busyRan.get() == tasks);
		assertThat(busyWhenOtherRan.get()).as("busy peer's tasks done when the other peer's task ran")
			.isBetween(0, tasks / 2);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
