package io.librats.spring.autoconfigure;

import io.librats.RatsClient;
import io.librats.spring.actuate.RatsHealthIndicator;
import io.librats.spring.actuate.RatsNodeReport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code rats} health component, when Spring Boot's health support is on the classpath. */
@AutoConfiguration(after = RatsAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({ RatsClient.class, RatsNodeReport.class })
@ConditionalOnEnabledHealthIndicator("rats")
public final class RatsHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "ratsHealthIndicator")
	RatsHealthIndicator ratsHealthIndicator(RatsClient client, ObjectProvider<RatsLifecycle> lifecycle,
			RatsNodeReport report) {
		return new RatsHealthIndicator(client, lifecycle.getIfAvailable(), report);
	}

}
