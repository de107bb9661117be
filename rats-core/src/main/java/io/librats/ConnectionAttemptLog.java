package io.librats;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent connection attempts of a node, ours and the reconnector's, oldest first. Bounded: past
 * {@link #CAPACITY} entries the oldest is dropped. Thread-safe.
 */
public final class ConnectionAttemptLog {

	/** Attempts remembered. */
	public static final int CAPACITY = 64;

	/**
	 * One finished attempt.
	 *
	 * @param at when it finished
	 * @param result what happened
	 */
	public record Entry(Instant at, ConnectionAttemptResult result) {
	}

	private final ArrayDeque<Entry> entries = new ArrayDeque<>(CAPACITY);

	ConnectionAttemptLog() {
	}

	synchronized void add(ConnectionAttemptResult result) {
		if (this.entries.size() == CAPACITY) {
			this.entries.removeFirst();
		}
		this.entries.addLast(new Entry(Instant.now(), result));
	}

	/** A copy of the remembered attempts, oldest first. */
	public synchronized List<Entry> entries() {
		return List.copyOf(this.entries);
	}

}
