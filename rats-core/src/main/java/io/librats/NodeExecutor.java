package io.librats;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's view of a handler pool that may be shared with other nodes: it counts the node's own tasks, so
 * stopping the node waits for exactly those, refuses new ones, and {@link #shutdownNow()} skips the node's tasks
 * still queued without disturbing anybody else's.
 */
final class NodeExecutor extends AbstractExecutorService {

	private final Executor pool;

	private final AtomicInteger pending = new AtomicInteger();

	private final Object idle = new Object();

	private volatile boolean shutdown;

	private volatile boolean abandoned;

	NodeExecutor(Executor pool) {
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("the node is stopping");
		}
		this.pending.incrementAndGet();
		try {
			this.pool.execute(() -> {
				try {
					if (!this.abandoned) {
						task.run();
					}
				}
				finally {
					finished();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			finished();
			throw ex;
		}
	}

	private void finished() {
		if (this.pending.decrementAndGet() == 0 && this.shutdown) {
			synchronized (this.idle) {
				this.idle.notifyAll();
			}
		}
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	/** Also skips this node's queued tasks; running ones finish (the threads may serve other nodes). */
	@Override
	public List<Runnable> shutdownNow() {
		this.shutdown = true;
		this.abandoned = true;
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown && this.pending.get() == 0;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		synchronized (this.idle) {
			while (!isTerminated()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.idle, left);
			}
			return true;
		}
	}

}
