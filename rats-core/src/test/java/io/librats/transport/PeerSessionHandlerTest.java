package io.librats.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeerSessionHandlerTest {

	private static final long INTERVAL = Duration.ofSeconds(15).toNanos();

	@Test
	void dialerPingsAfterOneIntervalOfSilence() {
		assertThat(PeerSessionHandler.silenceBeforePing(Direction.OUTBOUND, INTERVAL, 3 * INTERVAL)).isEqualTo(INTERVAL);
	}

	@Test
	void acceptorWaitsHalfAnIntervalLonger() {
		assertThat(PeerSessionHandler.silenceBeforePing(Direction.INBOUND, INTERVAL, 3 * INTERVAL))
			.isEqualTo(INTERVAL * 3 / 2);
	}

	@Test
	void acceptorNeverWaitsPastHalfwayToItsTimeout() {
		long timeout = INTERVAL + Duration.ofSeconds(2).toNanos();
		assertThat(PeerSessionHandler.silenceBeforePing(Direction.INBOUND, INTERVAL, timeout))
			.isEqualTo(INTERVAL + Duration.ofSeconds(1).toNanos())
			.isLessThan(timeout);
	}

}
