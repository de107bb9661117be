package io.librats.spring.autoconfigure;

import java.nio.file.Path;

import io.librats.RatsClient;
import io.librats.config.RatsConfig;
import io.librats.spring.actuate.RatsNodeReport;
import io.librats.spring.env.DefaultStateDirectory;
import io.librats.spring.env.NatFactsRecorder;
import io.librats.spring.event.NatDetectionPublisher;
import io.librats.spring.event.RatsEventPublisher;
import io.librats.subsystem.RatsSubsystem;
import io.librats.transport.TcpBinding;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's rats node: a {@link RatsClient} built from {@code rats.*}, with every {@link RatsSubsystem} bean
 * attached, started by {@link RatsLifecycle} once the context is refreshed and stopped gracefully on shutdown. Its
 * callbacks become Spring events. {@code rats.enabled=false} switches all of it off; every bean backs off when the
 * application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass(RatsClient.class)
@ConditionalOnBooleanProperty(name = "rats.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RatsProperties.class)
public final class RatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RatsConfig ratsConfig(RatsProperties properties, Environment environment) {
		Path stateDir = (properties.getStateDir() != null) ? properties.getStateDir()
				: DefaultStateDirectory.resolve(environment, null);
		return RatsConfigFactory.ratsConfig(properties, stateDir);
	}

	@Bean
	@ConditionalOnMissingBean
	RatsClient ratsClient(RatsConfig config, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<RatsSubsystem> subsystems) {
		RatsClient client = new RatsClient(config, TcpBinding.select(config.nativeTransport()),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		subsystems.orderedStream().forEach(client::attach);
		return client;
	}

	@Bean
	@ConditionalOnMissingBean
	RatsLifecycle ratsLifecycle(RatsClient client, RatsProperties properties) {
		return new RatsLifecycle(client, properties.isFailFast());
	}

	@Bean
	@ConditionalOnMissingBean
	RatsEventPublisher ratsEventPublisher(RatsClient client, ApplicationEventPublisher publisher) {
		return new RatsEventPublisher(client, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	NatDetectionPublisher ratsNatDetectionPublisher(RatsClient client, ApplicationEventPublisher publisher) {
		return new NatDetectionPublisher(client, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	NatFactsRecorder ratsNatFactsRecorder(RatsClient client, ConfigurableEnvironment environment) {
		return new NatFactsRecorder(client.config().stateDir(), environment);
	}

	@Bean
	@ConditionalOnMissingBean
	RatsNodeReport ratsNodeReport(RatsClient client, ObjectProvider<RatsLifecycle> lifecycle,
			RatsProperties properties, Environment environment) {
		return new RatsNodeReport(client, lifecycle.getIfAvailable(), properties, environment);
	}

}
