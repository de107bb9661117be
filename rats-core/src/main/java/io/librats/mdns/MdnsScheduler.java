package io.librats.mdns;

/**
 * Time and timers of the mDNS protocol logic, all on one thread. The running subsystem uses its event loop; unit
 * tests drive a manual clock, so probing, announcing and query back-off are checked without waiting.
 */
interface MdnsScheduler {

	/** Milliseconds on a monotonic clock. */
	long nowMillis();

	/** Runs {@code task} on the mDNS thread after {@code delayMillis}. */
	Timer schedule(Runnable task, long delayMillis);

	/** A scheduled task that may still be cancelled. */
	interface Timer {

		void cancel();

	}

}
