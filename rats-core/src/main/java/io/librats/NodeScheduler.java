package io.librats;

import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One node's view of a scheduler that may be shared with other nodes: it remembers the node's pending timers, so
 * stopping the node cancels exactly those. Subsystems get this view and may rely on stop cancelling what they
 * scheduled.
 */
final class NodeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	private final ScheduledExecutorService scheduler;

	private final Set<ScheduledFuture<?>> pending = ConcurrentHashMap.newKeySet();

	private volatile boolean shutdown;

	/** Size of {@link #pending} at which ended timers are swept out; doubles with the live timers (amortised O(1)). */
	private volatile int sweepAt = 64;

	NodeScheduler(ScheduledExecutorService scheduler) {
		this.scheduler = scheduler;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		OneShot<Object> timer = new OneShot<>();
		return timer.tracked(track(() -> this.scheduler.schedule(timer.wrap(Executors.callable(command)), delay, unit)));
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		OneShot<V> timer = new OneShot<>();
		return timer.tracked(track(() -> this.scheduler.schedule(timer.wrap(callable), delay, unit)));
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		return track(() -> this.scheduler.scheduleAtFixedRate(command, initialDelay, period, unit));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		return track(() -> this.scheduler.scheduleWithFixedDelay(command, initialDelay, delay, unit));
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	private <F extends ScheduledFuture<?>> F track(Supplier<F> scheduling) {
		if (this.shutdown) {
			throw new RejectedExecutionException("the node is stopping");
		}
		F future = scheduling.get();
		this.pending.add(future);
		// A periodic timer stays until cancelled or stopped; cancelled ones are swept out.
		sweep();
		if (this.shutdown) {
			future.cancel(false);
		}
		return future;
	}

	/** A one-shot timer leaves {@link #pending} as soon as it has run, whichever of running and tracking ends first. */
	private final class OneShot<V> {

		private volatile ScheduledFuture<?> future;

		private volatile boolean ended;

		Callable<V> wrap(Callable<V> task) {
			return () -> {
				try {
					return task.call();
				}
				finally {
					this.ended = true;
					ScheduledFuture<?> tracked = this.future;
					if (tracked != null) {
						NodeScheduler.this.pending.remove(tracked);
					}
				}
			};
		}

		<F extends ScheduledFuture<?>> F tracked(F scheduled) {
			this.future = scheduled;
			if (this.ended) {
				NodeScheduler.this.pending.remove(scheduled);
			}
			return scheduled;
		}

	}

	/** Forgets timers that have fired or were cancelled; keeps the set as small as the live timers. */
	private void sweep() {
		if (this.pending.size() >= this.sweepAt) {
			this.pending.removeIf(ScheduledFuture::isDone);
			this.sweepAt = Math.max(64, 2 * this.pending.size());
		}
	}

	/** Timers this view still remembers (live ones, plus ended ones not swept yet). */
	int pendingTimers() {
		return this.pending.size();
	}

	/** Cancels every timer of this node; a task already running finishes. */
	@Override
	public void shutdown() {
		this.shutdown = true;
		this.pending.forEach((future) -> future.cancel(false));
		this.pending.clear();
	}

	@Override
	public List<Runnable> shutdownNow() {
		shutdown();
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return this.shutdown;
	}

}
