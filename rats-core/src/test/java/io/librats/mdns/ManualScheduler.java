package io.librats.mdns;

import java.util.PriorityQueue;

/** A virtual clock for the protocol logic: timers run only when the test advances time. */
final class ManualScheduler implements MdnsScheduler {

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private long now = 1_000_000;

	private long sequence;

	private final class Task implements Comparable<Task>, Timer {

		final long at;

		final long order = ManualScheduler.this.sequence++;

		final Runnable runnable;

		boolean cancelled;

		Task(long at, Runnable runnable) {
			this.at = at;
			this.runnable = runnable;
		}

		@Override
		public int compareTo(Task other) {
			return (this.at != other.at) ? Long.compare(this.at, other.at) : Long.compare(this.order, other.order);
		}

		@Override
		public void cancel() {
			this.cancelled = true;
		}

	}

	@Override
	public long nowMillis() {
		return this.now;
	}

	@Override
	public Timer schedule(Runnable task, long delayMillis) {
		Task scheduled = new Task(this.now + Math.max(0, delayMillis), task);
		this.tasks.add(scheduled);
		return scheduled;
	}

	/** Runs every task due within the next {@code millis}, in time order, moving the clock along. */
	void advance(long millis) {
		long until = this.now + millis;
		while (!this.tasks.isEmpty() && this.tasks.peek().at <= until) {
			Task task = this.tasks.poll();
			this.now = task.at;
			if (!task.cancelled) {
				task.runnable.run();
			}
		}
		this.now = until;
	}

}
