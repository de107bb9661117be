package io.librats.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.transport.OutboundBufferFullException;
import io.librats.transport.PeerInfo;

/**
 * Transport experiment {@code burst}, as upstream's {@code bench_burst}: an application offers 64 KiB messages as
 * fast as it can, up to 512 MiB, never looking at any signal; upstream reports how much it offered before the
 * connection was dropped as a slow consumer (0 = never dropped). Here the same loop also records what rats told the
 * application while it did so: when {@code isWritable} turned false, how much was accepted before sends began to
 * fail with {@link OutboundBufferFullException}, and that every accepted byte still arrived. A second sender then
 * offers the same 512 MiB paced by {@code isWritable} and the writability listener, to show the signal is enough to
 * send without a single rejection.
 */
final class UnpacedBurst {

	static final int FRAME = 64 << 10;

	static final long CAP = 512L << 20;

	private UnpacedBurst() {
	}

	static void measure(TransportOptions options, Env env, Map<String, Double> out) throws InterruptedException {
		AtomicLong receivedBytes = new AtomicLong();
		AtomicBoolean dropped = new AtomicBoolean();
		Semaphore writableAgain = new Semaphore(0);
		AtomicLong writabilityEvents = new AtomicLong();
		byte[] payload = new byte[FRAME];
		Arrays.fill(payload, (byte) 'b');
		try (Nodes nodes = new Nodes(env)) {
			RatsClient receiver = nodes.start();
			RatsClient sender = nodes.start();
			receiver.onBinary((peer, data) -> receivedBytes.addAndGet(data.length));
			sender.addConnectionListener(new ConnectionListener() {
				@Override
				public void onPeerDisconnected(PeerInfo peer, String reason) {
					dropped.set(true);
				}
			});
			sender.onWritabilityChanged((peer, writable) -> {
				writabilityEvents.incrementAndGet();
				if (writable) {
					writableAgain.release();
				}
			});
			String peer = Nodes.connect(sender, receiver);

			// Unpaced, exactly upstream's loop, plus bookkeeping of what the API said.
			long offered = 0;
			long accepted = 0;
			long rejected = 0;
			long firstRejectedAt = -1;
			long firstUnwritableAt = -1;
			AtomicLong failedLater = new AtomicLong();
			long t0 = System.nanoTime();
			while (offered < CAP && !dropped.get()) {
				CompletableFuture<Void> send = sender.sendBinary(peer, payload);
				offered += FRAME;
				if (send.isCompletedExceptionally()) {
					Throwable cause = failure(send);
					if (!(cause instanceof OutboundBufferFullException)) {
						throw new IllegalStateException("send failed for another reason: " + cause, cause);
					}
					rejected++;
					firstRejectedAt = (firstRejectedAt < 0) ? offered - FRAME : firstRejectedAt;
				}
				else {
					accepted += FRAME;
					send.whenComplete((v, ex) -> {
						if (ex != null) {
							failedLater.incrementAndGet();
						}
					});
				}
				if (firstUnwritableAt < 0 && !sender.isWritable(peer)) {
					firstUnwritableAt = offered;
				}
			}
			double offerSeconds = (System.nanoTime() - t0) / 1e9;
			long acceptedBytes = accepted;
			boolean delivered = Spin.until(() -> receivedBytes.get() >= acceptedBytes || dropped.get(),
					Duration.ofSeconds(60));
			double allSeconds = (System.nanoTime() - t0) / 1e9;
			System.out.printf("unpaced: offered %s MiB in %.2f s; isWritable false from %s MiB offered; %s MiB accepted "
					+ "(first OutboundBufferFullException at %s MiB offered), %d sends rejected with it, %d accepted sends "
					+ "failed later; receiver got %s MiB of %s MiB accepted after %.2f s (%s); peer %s; %d writability "
					+ "events%n", mib(offered), offerSeconds, mib(firstUnwritableAt), mib(accepted), mib(firstRejectedAt),
					rejected, failedLater.get(), mib(receivedBytes.get()), mib(accepted), allSeconds,
					delivered ? "all of it" : "NOT all", dropped.get() ? "DROPPED" : "still connected",
					writabilityEvents.get());
			out.put("burst.survived", dropped.get() ? mibValue(offered) : 0.0);
			out.put("burst.unwritable", mibValue(firstUnwritableAt));
			out.put("burst.accepted", mibValue(accepted));
			out.put("burst.rejected", (double) rejected);
			out.put("burst.delivered", (accepted == 0) ? Double.NaN : 100.0 * receivedBytes.get() / accepted);

			// Paced by the API: stop on isWritable() == false, resume on the writability callback.
			long rejectedPaced = 0;
			long waits = 0;
			long missedCallbacks = 0;
			long base = receivedBytes.get();
			Cpu.Sample s0 = Cpu.sample();
			for (long sent = 0; sent < CAP && !dropped.get(); sent += FRAME) {
				while (!sender.isWritable(peer) && !dropped.get()) {
					waits++;
					writableAgain.drainPermits();
					if (!sender.isWritable(peer)) {
						if (!writableAgain.tryAcquire(100, TimeUnit.MILLISECONDS)) {
							missedCallbacks++;
						}
					}
				}
				if (sender.sendBinary(peer, payload).isCompletedExceptionally()) {
					rejectedPaced++;
				}
			}
			long pacedBytes = CAP - rejectedPaced * FRAME;
			Spin.awaitOrFail(() -> receivedBytes.get() - base >= pacedBytes, Duration.ofSeconds(60),
					"the paced burst to arrive");
			Cpu.Usage u = Cpu.sample().since(s0);
			System.out.printf("paced by isWritable + onWritabilityChanged: %s MiB in %.2f s (%s MB/s), %d sends rejected, "
					+ "%d waits for the callback, %d of them not woken within 100 ms; peer %s%n", mib(CAP), u.wall(),
					Table.num(CAP / 1e6 / u.wall()), rejectedPaced, waits, missedCallbacks,
					dropped.get() ? "DROPPED" : "still connected");
			out.put("burst.paced.rejected", (double) rejectedPaced);
		}
	}

	/** The failure of a future that completed exceptionally. */
	private static Throwable failure(CompletableFuture<Void> send) {
		return send.handle((v, ex) -> ex).join();
	}

	private static String mib(long bytes) {
		return (bytes < 0) ? "never" : Table.num(mibValue(bytes));
	}

	private static double mibValue(long bytes) {
		return (bytes < 0) ? Double.NaN : bytes / (double) (1 << 20);
	}

}
