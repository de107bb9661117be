package io.librats;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.librats.config.RatsConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Nodes on the JVM's shared threads: they work together, stop alone, and the last one takes the threads along. */
class SharedThreadsTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void nodesOnSharedThreadsExchangeMessagesAndStartNoThreadsOfTheirOwn() {
		RatsClient a = this.nodes.start((b) -> b.sharedThreads(true));
		RatsClient b = this.nodes.start((c) -> c.sharedThreads(true));
		RatsClient c = this.nodes.start((d) -> d.sharedThreads(true));
		List<String> received = new CopyOnWriteArrayList<>();
		b.on("chat", (msg) -> received.add(msg.peerId() + ":" + msg.data().path("text").asString()));
		c.on("chat", (msg) -> received.add(msg.peerId() + ":" + msg.data().path("text").asString()));
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		assertThat(a.connectToPeer("127.0.0.1", c.listenPort()).join().success()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> b.isConnected(a.peerId()) && c.isConnected(a.peerId()));
		a.send("chat", a.jsonMapper().createObjectNode().put("text", "hi")).join();
		await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
		assertThat(ratsThreadNames()).allMatch((name) -> name.contains("shared"))
			.noneMatch((name) -> name.contains(a.peerId().substring(0, 8)));
	}

	@Test
	void stoppingOneNodeLeavesTheOthersRunningAndTheLastTakesTheThreadsAlong() {
		RatsClient a = this.nodes.start((b) -> b.sharedThreads(true));
		RatsClient b = this.nodes.start((c) -> c.sharedThreads(true));
		RatsClient c = this.nodes.start((d) -> d.sharedThreads(true));
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		b.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> !a.isConnected(b.peerId()));
		ConnectionAttemptResult again = a.connectToPeer("127.0.0.1", c.listenPort()).join();
		assertThat(again.success()).as(String.valueOf(again.error())).isTrue();
		assertThat(a.request(c.peerId(), "nobody-handles-this", a.jsonMapper().createObjectNode(),
				Duration.ofMillis(200)).handle((reply, ex) -> ex).join()).isNotNull();
		a.stop();
		c.stop();
		assertThat(ThreadSet.sharedRunning("epoll") || ThreadSet.sharedRunning("nio")).isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> ratsThreadNames().stream()
			.noneMatch((name) -> name.contains("shared")));
		RatsClient d = this.nodes.start((e) -> e.sharedThreads(true));
		RatsClient e = this.nodes.start((f) -> f.sharedThreads(true));
		assertThat(d.connectToPeer("127.0.0.1", e.listenPort()).join().success()).as("shared threads start again")
			.isTrue();
	}

	@Test
	void nodesShareByDefaultAndTakeThreadsOfTheirOwnWhenGivenCounts() {
		RatsClient sharing = this.nodes.start();
		RatsClient owning = this.nodes.start((b) -> b.handlerThreads(1));
		assertThat(sharing.config().sharedThreads()).isTrue();
		assertThat(owning.config().sharedThreads()).isFalse();
		String owner = owning.peerId().substring(0, 8);
		assertThat(ratsThreadNames()).noneMatch((name) -> name.contains(sharing.peerId().substring(0, 8)))
			.anyMatch((name) -> name.startsWith("rats-io-shared"))
			.anyMatch((name) -> name.startsWith("rats-handler-" + owner))
			.anyMatch((name) -> name.startsWith("rats-io-" + owner));
		List<String> received = new CopyOnWriteArrayList<>();
		owning.on("chat", (msg) -> received.add(Thread.currentThread().getName()));
		assertThat(sharing.connectToPeer("127.0.0.1", owning.listenPort()).join().success()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> owning.isConnected(sharing.peerId()));
		sharing.send(owning.peerId(), "chat", sharing.jsonMapper().createObjectNode()).join();
		await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
		assertThat(received.get(0)).startsWith("rats-handler-" + owner);
	}

	@Test
	void sharingAndThreadCountsOfItsOwnAtOnceIsAConfigurationError() {
		assertThatThrownBy(() -> RatsConfig.builder().sharedThreads(true).ioThreads(2).build())
			.isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sharedThreads(false)");
		assertThat(RatsConfig.builder().build().sharedThreads()).isTrue();
		assertThat(RatsConfig.builder().sharedThreads(false).build().sharedThreads()).isFalse();
		assertThat(RatsConfig.builder().ioThreads(1).build().sharedThreads()).isFalse();
		assertThat(RatsConfig.builder().build().toBuilder().handlerThreads(3).build().sharedThreads())
			.as("an unset choice stays unset through toBuilder").isFalse();
		assertThat(RatsConfig.builder().sharedThreads(true).build().toBuilder().build().sharedThreads()).isTrue();
	}

	@Test
	void aNodesSchedulerViewCancelsOnlyItsOwnTimersOnStop() throws Exception {
		ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
		try {
			NodeScheduler one = new NodeScheduler(pool);
			NodeScheduler other = new NodeScheduler(pool);
			AtomicInteger oneTicks = new AtomicInteger();
			AtomicInteger otherTicks = new AtomicInteger();
			ScheduledFuture<?> periodic = one.scheduleWithFixedDelay(oneTicks::incrementAndGet, 0, 5,
					TimeUnit.MILLISECONDS);
			ScheduledFuture<?> later = one.schedule(oneTicks::incrementAndGet, 1, TimeUnit.HOURS);
			other.scheduleWithFixedDelay(otherTicks::incrementAndGet, 0, 5, TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(5)).until(() -> oneTicks.get() > 2 && otherTicks.get() > 2);
			one.shutdownNow();
			assertThat(periodic.isCancelled()).isTrue();
			assertThat(later.isCancelled()).isTrue();
			int ticksAtStop = otherTicks.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> otherTicks.get() > ticksAtStop + 2);
			assertThatThrownBy(() -> one.schedule(() -> { }, 1, TimeUnit.MILLISECONDS))
				.isInstanceOf(RejectedExecutionException.class);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void theSchedulerViewForgetsTimersThatEnded() {
		ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
		try {
			NodeScheduler view = new NodeScheduler(pool);
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < 10_000; i++) {
				view.execute(ran::incrementAndGet);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 10_000);
			view.execute(ran::incrementAndGet);
			assertThat(view.pendingTimers()).isLessThan(200);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void anExecutorViewWaitsForItsOwnTasksAndSkipsThemWhenAbandoned() throws Exception {
		java.util.concurrent.ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			NodeExecutor one = new NodeExecutor(pool);
			NodeExecutor other = new NodeExecutor(pool);
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger ran = new AtomicInteger();
			one.execute(() -> awaitQuietly(release));
			one.execute(ran::incrementAndGet);
			other.execute(ran::incrementAndGet);
			one.shutdown();
			assertThatThrownBy(() -> one.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
			assertThat(one.awaitTermination(50, TimeUnit.MILLISECONDS)).as("a task of its own is still running").isFalse();
			one.shutdownNow();
			release.countDown();
			assertThat(one.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
			other.shutdown();
			assertThat(other.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
			assertThat(ran.get()).as("the abandoned task was skipped, the other node's ran").isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Set<String> ratsThreadNames() {
		return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
			.filter((name) -> name.startsWith("rats-io-") || name.startsWith("rats-handler-")
					|| name.startsWith("rats-scheduler-"))
			.collect(Collectors.toSet());
	}

}
