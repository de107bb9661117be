package io.librats.spring.autoconfigure;

import io.librats.RatsClient;
import io.librats.spring.metrics.RatsMeterBinder;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Micrometer metrics of the rats node under {@code rats.*}, when Micrometer is on the classpath. */
@AutoConfiguration(after = RatsAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(RatsClient.class)
public final class RatsMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RatsMeterBinder ratsMeterBinder(RatsClient client) {
		return new RatsMeterBinder(client);
	}

}
