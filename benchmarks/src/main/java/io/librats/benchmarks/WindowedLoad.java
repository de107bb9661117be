package io.librats.benchmarks;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Drives one sender with a bounded number of messages in flight: the calling thread takes a permit per message and
 * the send's completion gives it back, so the sender never runs ahead of the transport. The rate is what the
 * receiver counted during the window. After the window the load drains completely (every send completed, every
 * message received), so windows of different systems never overlap.
 */
final class WindowedLoad {

	/** Sends message number {@code seq}; calls {@code done} exactly once with null on success or the failure. */
	interface Sender {

		void send(long seq, Consumer<Throwable> done);

	}

	/**
	 * One measurement window.
	 *
	 * @param received messages the receiver counted in the window
	 * @param failures sends that failed in the window
	 * @param cpu CPU used in the window
	 */
	record Window(long received, long failures, Cpu.Usage cpu) {

		double perSecond() {
			return this.received / this.cpu.wall();
		}

		/** CPU microseconds of this JVM (sender and receiver together) per message. */
		double cpuMicrosPerMessage() {
			return (this.received == 0) ? Double.NaN : this.cpu.process() * 1e6 / this.received;
		}

	}

	private final Sender sender;

	private final LongSupplier received;

	private final int inFlight;

	private final Semaphore permits;

	private final AtomicLong failures = new AtomicLong();

	private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

	private long sent;

	WindowedLoad(Sender sender, LongSupplier received, int inFlight) {
		this.sender = sender;
		this.received = received;
		this.inFlight = inFlight;
		this.permits = new Semaphore(inFlight);
	}

	Window run(double seconds) {
		Cpu.awaitQuiet();
		long deadline = System.nanoTime() + (long) (seconds * 1e9);
		long received0 = this.received.getAsLong();
		long failures0 = this.failures.get();
		Cpu.Sample start = Cpu.sample();
		Consumer<Throwable> done = (ex) -> {
			if (ex != null) {
				this.failures.incrementAndGet();
				this.firstFailure.compareAndSet(null, ex);
			}
			this.permits.release();
		};
		while (System.nanoTime() < deadline) {
			// Check the clock only every 64 messages: nanoTime is cheap but not free at a million calls a second.
			for (int i = 0; i < 64; i++) {
				this.permits.acquireUninterruptibly();
				this.sent++;
				this.sender.send(this.sent, done);
			}
		}
		Cpu.Usage cpu = Cpu.sample().since(start);
		long received = this.received.getAsLong() - received0;
		long failed = this.failures.get() - failures0;
		drain();
		return new Window(received, failed, cpu);
	}

	/** Runs 1-second windows until the JIT has settled ({@link Cpu#warmUp}); returns a description. */
	String warmUp(double minSeconds, double maxSeconds) {
		return Cpu.warmUp(() -> run(1.0), minSeconds, maxSeconds);
	}

	private void drain() {
		try {
			if (!this.permits.tryAcquire(this.inFlight, 60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("sends did not complete within 60 s");
			}
			this.permits.release(this.inFlight);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Nodes.await(() -> this.received.getAsLong() + this.failures.get() >= this.sent, Duration.ofSeconds(60),
				"the receiver to catch up");
	}

	Throwable firstFailure() {
		return this.firstFailure.get();
	}

}
