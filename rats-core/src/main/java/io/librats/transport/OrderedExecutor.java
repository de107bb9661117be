package io.librats.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks strictly one after another, in submission order, on a shared pool: per-peer order without a thread per
 * peer. A drain gives the pool thread back once it has run for {@link #SLICE_NANOS} (checked every {@link #BATCH}
 * tasks), so one busy peer cannot starve the others; a turn is a time slice rather than a task count because
 * handing the rest to another pool thread costs a wake-up, which for small messages outweighs the tasks themselves.
 */
final class OrderedExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(OrderedExecutor.class);

	/** Tasks between looks at the clock. */
	private static final int BATCH = 64;

	/** Longest turn on a pool thread, give or take one batch. */
	private static final long SLICE_NANOS = 1_000_000;

	private final Executor pool;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Runnable drain = this::drain;

	OrderedExecutor(Executor pool) {
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	/**
	 * Queues a task without waking the pool: the event loop queues every message of one read this way and calls
	 * {@link #kick()} when the read is complete, so a read of 200 small messages wakes a pool thread once, not 200
	 * times. A drain already running picks the task up by itself.
	 */
	void executeDeferred(Runnable task) {
		this.tasks.add(task);
	}

	/** Schedules a drain for tasks queued with {@link #executeDeferred}, if there are any. */
	void kick() {
		if (!this.tasks.isEmpty()) {
			schedule();
		}
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.pool.execute(this.drain);
			}
			catch (RejectedExecutionException ex) {
				this.scheduled.set(false);
				logger.debug("Handler pool is shut down; dropping {} queued tasks", this.tasks.size());
				this.tasks.clear();
			}
		}
	}

	private void drain() {
		long start = System.nanoTime();
		try {
			for (int i = 1;; i++) {
				Runnable task = this.tasks.poll();
				if (task == null) {
					break;
				}
				try {
					task.run();
				}
				catch (RuntimeException | Error ex) {
					logger.error("Uncaught exception in an ordered task", ex);
				}
				if (i % BATCH == 0 && System.nanoTime() - start >= SLICE_NANOS) {
					break;
				}
			}
		}
		finally {
			this.scheduled.set(false);
			if (!this.tasks.isEmpty()) {
				schedule();
			}
		}
	}

}
