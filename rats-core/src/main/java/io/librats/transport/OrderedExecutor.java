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
 * peer. A drain yields the pool thread after a batch so one busy peer cannot starve the others.
 */
final class OrderedExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(OrderedExecutor.class);

	private static final int BATCH = 64;

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
		try {
			for (int i = 0; i < BATCH; i++) {
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
