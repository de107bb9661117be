package io.librats;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.librats.config.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps dialing addresses until a connection succeeds, with exponential back-off and ±20% jitter so that many nodes
 * losing the same peer do not come back in lock step. Static peers are retried forever, others a bounded number of
 * times. At most one attempt chain per address.
 */
final class Reconnector {

	private static final Logger logger = LoggerFactory.getLogger(Reconnector.class);

	private final ScheduledExecutorService scheduler;

	private final Function<PeerAddress, CompletableFuture<?>> dialer;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final int maxAttempts;

	private final Runnable onAttempt;

	private final Map<PeerAddress, Boolean> active = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	Reconnector(ScheduledExecutorService scheduler, Function<PeerAddress, CompletableFuture<?>> dialer,
			Duration initialDelay, Duration maxDelay, int maxAttempts, Runnable onAttempt) {
		this.scheduler = scheduler;
		this.dialer = dialer;
		this.initialDelay = initialDelay;
		this.maxDelay = maxDelay;
		this.maxAttempts = maxAttempts;
		this.onAttempt = onAttempt;
	}

	/** Starts dialing now (attempt 0) unless a chain for this address is already running. */
	void connectNow(PeerAddress address, boolean forever) {
		if (!forever && this.maxAttempts == 0) {
			return;
		}
		if (this.active.putIfAbsent(address, forever) == null) {
			schedule(address, forever, 0, Duration.ZERO);
		}
	}

	/** Starts dialing after the first back-off delay, for a peer just lost. */
	void reconnect(PeerAddress address, boolean forever) {
		if (!forever && this.maxAttempts == 0) {
			return;
		}
		if (this.active.putIfAbsent(address, forever) == null) {
			schedule(address, forever, 0, delay(0));
		}
	}

	Duration delay(int attempt) {
		long base = this.initialDelay.toMillis() << Math.min(attempt, 20);
		double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
		return Duration.ofMillis(Math.min((long) (base * jitter), this.maxDelay.toMillis()));
	}

	private void schedule(PeerAddress address, boolean forever, int attempt, Duration delay) {
		if (this.stopped) {
			this.active.remove(address);
			return;
		}
		try {
			this.scheduler.schedule(() -> attempt(address, forever, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			this.active.remove(address);
		}
	}

	private void attempt(PeerAddress address, boolean forever, int attempt) {
		if (this.stopped) {
			this.active.remove(address);
			return;
		}
		this.onAttempt.run();
		this.dialer.apply(address).whenComplete((result, ex) -> {
			if (ex == null) {
				this.active.remove(address);
				return;
			}
			int next = attempt + 1;
			if (!forever && next >= this.maxAttempts) {
				logger.info("Giving up on {} after {} attempts: {}", address, next, ex.getMessage());
				this.active.remove(address);
				return;
			}
			Duration wait = delay(next);
			logger.debug("Connecting to {} failed ({}); retry {} in {} ms", address, ex.getMessage(), next,
					wait.toMillis());
			schedule(address, forever, next, wait);
		});
	}

	void stop() {
		this.stopped = true;
		this.active.clear();
	}

}
