package io.librats.spring.messaging.autoconfigure;

import io.librats.RatsClient;
import io.librats.spring.messaging.DefaultRatsTemplate;
import io.librats.spring.messaging.RatsPayloadConverter;
import io.librats.spring.messaging.RatsTemplate;
import io.librats.spring.messaging.annotation.EnableRats;
import io.librats.spring.messaging.config.RatsListenerBootstrapConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code @RatsListener} methods and a {@link RatsTemplate} for the context's {@link RatsClient}, whoever created it.
 * Payloads are read and replies written with the application's {@link JsonMapper} when it has one, else with the
 * client's.
 */
@AutoConfiguration(afterName = "io.librats.spring.autoconfigure.RatsAutoConfiguration")
@ConditionalOnBean(RatsClient.class)
@EnableConfigurationProperties(RatsMessagingProperties.class)
public final class RatsMessagingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RatsPayloadConverter ratsPayloadConverter(RatsClient client, ObjectProvider<JsonMapper> jsonMapper) {
		return new RatsPayloadConverter(jsonMapper.getIfUnique(client::jsonMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	RatsTemplate ratsTemplate(RatsClient client, RatsPayloadConverter converter, RatsMessagingProperties properties) {
		return new DefaultRatsTemplate(client, converter, properties.getRequestTimeout());
	}

	/** Switches {@code @RatsListener} on unless the application did, with {@code @EnableRats} or its own processor. */
	@Configuration(proxyBeanMethods = false)
	@EnableRats
	@ConditionalOnMissingBean(name = RatsListenerBootstrapConfiguration.ANNOTATION_PROCESSOR_BEAN_NAME)
	static class EnableRatsConfiguration {

	}

}
