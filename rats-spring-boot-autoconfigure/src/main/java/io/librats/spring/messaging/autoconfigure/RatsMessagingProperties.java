package io.librats.spring.messaging.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of {@code @RatsListener} and {@code RatsTemplate}.
 */
@ConfigurationProperties("rats.messaging")
public class RatsMessagingProperties {

	/**
	 * How long RatsTemplate.request waits for a reply when the call gives no timeout of its own.
	 */
	private Duration requestTimeout = Duration.ofSeconds(10);

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
			throw new IllegalArgumentException("rats.messaging.request-timeout must be positive, was " + requestTimeout);
		}
		this.requestTimeout = requestTimeout;
	}

}
