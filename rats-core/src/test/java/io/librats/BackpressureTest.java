package io.librats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.message.Delivery;
import io.librats.metrics.RatsMetrics;
import io.librats.transport.OutboundBufferFullException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A slow consumer pushes back on its sender instead of growing memory, and nothing accepted is lost. */
class BackpressureTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void slowConsumerMakesSenderUnwritableThenSendsFailFastAndNothingAcceptedIsLost() throws Exception {
		RatsClient sender = this.nodes.start((c) -> c.maxFrameSize(256 * 1024).maxOutboundBufferBytes(1024 * 1024)
			.writeBufferLowWaterMark(128 * 1024).writeBufferHighWaterMark(256 * 1024));
		RatsClient receiver = this.nodes.start((c) -> c.maxPendingInboundMessages(8));
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger received = new AtomicInteger();
		receiver.onBinary((peer, data) -> {
			release.await(60, TimeUnit.SECONDS);
			received.incrementAndGet();
		});
		List<Boolean> writability = new CopyOnWriteArrayList<>();
		sender.onWritabilityChanged((peer, writable) -> writability.add(writable));
		assertThat(sender.connectToPeer("127.0.0.1", receiver.listenPort()).join().success()).isTrue();

		byte[] chunk = new byte[64 * 1024];
		List<CompletableFuture<Void>> accepted = new ArrayList<>();
		Throwable refusal = null;
		int refused = 0;
		// A refusal can come while the socket still takes bytes, if our event loop fell behind this thread for a
		// moment (a busy machine); the loop drains and we are writable again. Go on until the stalled consumer has
		// filled the socket too, so the refusal stands.
		for (int i = 0; i < 4000 && (refusal == null || sender.isWritable(receiver.peerId())); i++) {
			CompletableFuture<Void> send = sender.sendBinary(receiver.peerId(), chunk);
			if (send.isCompletedExceptionally()) {
				refusal = send.handle((ok, ex) -> ex).join();
				refused++;
			}
			else {
				accepted.add(send);
			}
		}

		assertThat(refusal).as("a send is refused once the buffer is full")
			.isInstanceOf(OutboundBufferFullException.class).hasMessageContaining("full");
		assertThat(sender.metrics().get(RatsMetrics.SENDS_REJECTED)).isEqualTo(refused);
		assertThat(sender.isWritable(receiver.peerId())).isFalse();
		await().atMost(WAIT).until(() -> writability.contains(false));

		release.countDown();

		CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		await().atMost(WAIT).until(() -> received.get() == accepted.size());
		await().atMost(WAIT).until(() -> sender.isWritable(receiver.peerId()));
		assertThat(writability).endsWith(true);
		assertThat(sender.sendBinary(receiver.peerId(), chunk)).succeedsWithin(WAIT);
	}

	@Test
	void aSenderThatStopsOnNotWritableIsAlwaysToldWhenToResume() throws Exception {
		RatsClient sender = this.nodes.start((c) -> c.writeBufferLowWaterMark(64 * 1024)
			.writeBufferHighWaterMark(128 * 1024));
		RatsClient receiver = this.nodes.start();
		AtomicLong received = new AtomicLong();
		receiver.onBinary((peer, data) -> received.addAndGet(data.length), Delivery.IO_THREAD);
		List<Boolean> events = new CopyOnWriteArrayList<>();
		Semaphore writableAgain = new Semaphore(0);
		sender.onWritabilityChanged((peer, writable) -> {
			events.add(writable);
			if (writable) {
				writableAgain.release();
			}
		});
		assertThat(sender.connectToPeer("127.0.0.1", receiver.listenPort()).join().success()).isTrue();

		// Unpaced sends from this thread fill our own queue faster than the event loop writes it, so isWritable()
		// also turns false while the socket itself is still writable: the case that must not lose the resume signal.
		byte[] chunk = new byte[16 * 1024];
		int sends = 2048;
		int waits = 0;
		for (int i = 0; i < sends; i++) {
			while (!sender.isWritable(receiver.peerId())) {
				waits++;
				assertThat(writableAgain.tryAcquire(10, TimeUnit.SECONDS))
					.as("a writable callback after isWritable() was false").isTrue();
			}
			assertThat(sender.sendBinary(receiver.peerId(), chunk)).isNotCompletedExceptionally();
		}

		await().atMost(WAIT).until(() -> received.get() == (long) sends * chunk.length);
		await().atMost(WAIT).until(() -> !events.isEmpty() && events.get(events.size() - 1));
		assertThat(waits).as("the sender had to wait").isPositive();
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i)).as("event %d of %s alternates, starting with false", i, events)
				.isEqualTo(i % 2 == 1);
		}
		assertThat(sender.metrics().get(RatsMetrics.SENDS_REJECTED)).isZero();
	}

	@Test
	void pausedReadingForASlowHandlerIsNotMistakenForADeadPeer() throws Exception {
		RatsClient sender = this.nodes.start((c) -> c.pingInterval(Duration.ofMillis(100))
			.peerTimeout(Duration.ofMillis(600)));
		RatsClient receiver = this.nodes.start((c) -> c.maxPendingInboundMessages(2)
			.pingInterval(Duration.ofMillis(100)).peerTimeout(Duration.ofMillis(600)));
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger handled = new AtomicInteger();
		receiver.on("slow", (msg) -> {
			if (handled.getAndIncrement() == 0) {
				release.await(30, TimeUnit.SECONDS);
			}
		});
		assertThat(sender.connectToPeer("127.0.0.1", receiver.listenPort()).join().success()).isTrue();
		for (int i = 0; i < 10; i++) {
			sender.send(receiver.peerId(), "slow", sender.jsonMapper().createObjectNode().put("i", i));
		}
		// Hold the handler for three peer timeouts; the receiver must not blame the sender for its own pause.
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1800);
		await().atMost(WAIT).until(() -> System.nanoTime() > deadline);
		assertThat(receiver.isConnected(sender.peerId())).isTrue();
		release.countDown();
		await().atMost(WAIT).until(() -> handled.get() == 10);
		assertThat(receiver.metrics().get(RatsMetrics.PEERS_TIMED_OUT)).isZero();
		assertThat(sender.metrics().get(RatsMetrics.PEERS_TIMED_OUT)).isZero();
	}

	@Test
	void ioThreadHandlersRunOnTheEventLoop() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		List<String> threads = new CopyOnWriteArrayList<>();
		b.on("fast", (msg) -> threads.add("io:" + Thread.currentThread().getName()), Delivery.IO_THREAD);
		b.on("fast", (msg) -> threads.add("pool:" + Thread.currentThread().getName()));
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		a.send(b.peerId(), "fast", a.jsonMapper().createObjectNode()).join();
		await().atMost(WAIT).until(() -> threads.size() == 2);
		assertThat(threads).anyMatch((t) -> t.startsWith("io:rats-io-"))
			.anyMatch((t) -> t.startsWith("pool:rats-handler-"));
	}

	@Test
	void oversizedMessagesAreRefusedBeforeSending() {
		RatsClient a = this.nodes.start((c) -> c.maxFrameSize(4096));
		RatsClient b = this.nodes.start();
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		CompletableFuture<Void> send = a.sendBinary(b.peerId(), new byte[5000]);
		assertThat(send).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withMessageContaining("exceeds maxFrameSize");
		assertThat(a.isConnected(b.peerId())).isTrue();
	}

	@Test
	void frameLargerThanReceiverLimitClosesTheConnectionWithAMetric() {
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start((c) -> c.maxFrameSize(4096));
		assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
		await().atMost(WAIT).until(() -> b.isConnected(a.peerId()));
		List<String> lostByA = TestNodes.recordDisconnects(a);
		List<String> lostByB = TestNodes.recordDisconnects(b);
		a.sendBinary(b.peerId(), new byte[100_000]);
		// a dialed, so it may reconnect right away: the departures are what must be seen on both sides.
		await().atMost(WAIT).until(() -> !lostByA.isEmpty() && !lostByB.isEmpty());
		assertThat(b.metrics().get(RatsMetrics.MALFORMED_FRAMES)).isEqualTo(1);
	}


}
