package io.librats.spring.autoconfigure;

import io.librats.RatsClient;
import io.librats.spring.actuate.RatsEndpoint;
import io.librats.spring.actuate.RatsNodeReport;
import io.librats.spring.actuate.RatsSanitizingFunction;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code rats} Actuator endpoint, when exposed, and the sanitizing function that keeps secrets out of
 * {@code /actuator/env} and {@code /actuator/configprops} whatever their {@code show-values} setting.
 */
@AutoConfiguration(after = RatsAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public final class RatsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RatsSanitizingFunction ratsSanitizingFunction() {
		return new RatsSanitizingFunction();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean({ RatsClient.class, RatsNodeReport.class })
	@ConditionalOnAvailableEndpoint(RatsEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RatsEndpoint ratsEndpoint(RatsClient client, RatsNodeReport report, RatsProperties properties) {
			return new RatsEndpoint(client, report, properties.getNat().getStrategy());
		}

	}

}
