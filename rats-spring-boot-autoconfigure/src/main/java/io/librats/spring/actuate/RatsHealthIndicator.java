package io.librats.spring.actuate;

import io.librats.RatsClient;
import io.librats.spring.autoconfigure.RatsLifecycle;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code rats} health component: UP while the node listens (details: peer count, listen addresses, NAT type),
 * DOWN with the reason when it failed to start or is not running.
 */
public class RatsHealthIndicator implements HealthIndicator {

	private final RatsClient client;

	private final RatsLifecycle lifecycle;

	private final RatsNodeReport report;

	public RatsHealthIndicator(RatsClient client, RatsLifecycle lifecycle, RatsNodeReport report) {
		this.client = client;
		this.lifecycle = lifecycle;
		this.report = report;
	}

	@Override
	public Health health() {
		RuntimeException failure = (this.lifecycle != null) ? this.lifecycle.startFailure() : null;
		if (failure != null) {
			return Health.down().withDetail("reason", failure.getMessage())
				.withDetail("port", this.client.config().listenPort()).build();
		}
		if (!this.client.isRunning()) {
			return Health.down().withDetail("reason", "the rats node is not running").build();
		}
		return Health.up()
			.withDetail("peerId", this.client.peerId())
			.withDetail("peers", this.client.peerCount())
			.withDetail("listenAddresses", this.report.listenAddresses())
			.withDetail("natType", this.report.natType())
			.build();
	}

}
