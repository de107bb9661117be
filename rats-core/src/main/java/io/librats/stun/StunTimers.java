package io.librats.stun;

import java.time.Duration;

import io.librats.config.NatTraversalConfig;

/**
 * The retransmission schedule of RFC 8489 section 6.2.1: over UDP a request is sent at 0, RTO, 3·RTO, 7·RTO, ...
 * ({@code requestCount} sends in all, the interval doubling each time), and the transaction fails
 * {@code lastWaitMultiplier}·RTO after the last send; over TCP it is sent once and fails after {@code tcpTimeout}.
 *
 * @param rto initial retransmission timeout
 * @param requestCount Rc, the number of sends
 * @param lastWaitMultiplier Rm
 * @param tcpTimeout the timeout over TCP
 */
public record StunTimers(Duration rto, int requestCount, int lastWaitMultiplier, Duration tcpTimeout) {

	/** RFC 8489's defaults: 500 ms, 7, 16, 39.5 s. */
	public static final StunTimers DEFAULTS = new StunTimers(Duration.ofMillis(500), 7, 16, Duration.ofMillis(39_500));

	public StunTimers {
		if (rto.isNegative() || rto.isZero() || requestCount < 1 || lastWaitMultiplier < 1 || tcpTimeout.isNegative()
				|| tcpTimeout.isZero()) {
			throw new IllegalArgumentException("invalid STUN timers " + rto + ", " + requestCount + ", "
					+ lastWaitMultiplier + ", " + tcpTimeout);
		}
	}

	public static StunTimers of(NatTraversalConfig config) {
		return new StunTimers(config.stunRto(), config.stunRequestCount(), config.stunLastWaitMultiplier(),
				config.stunTcpTimeout());
	}

	/** How long a UDP transaction lasts at most: the sum of the intervals plus the last wait. */
	public Duration udpTransactionTime() {
		long rtoNanos = this.rto.toNanos();
		long total = 0;
		for (int i = 0; i < this.requestCount - 1; i++) {
			total += rtoNanos << Math.min(i, 30);
		}
		return Duration.ofNanos(total + rtoNanos * this.lastWaitMultiplier);
	}

}
