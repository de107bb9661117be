package io.librats.spring.autoconfigure;

import io.librats.RatsClient;
import io.librats.dht.DhtDiscovery;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * DHT discovery ({@code rats.discovery.dht.enabled=true}): a {@link DhtDiscovery} subsystem bean, which the client
 * bean attaches. Off by default; without bootstrap nodes it contacts nobody until other nodes contact it.
 */
@AutoConfiguration(before = RatsAutoConfiguration.class)
@ConditionalOnClass({ RatsClient.class, DhtDiscovery.class })
@ConditionalOnBooleanProperty(name = "rats.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "rats.discovery.dht.enabled")
@EnableConfigurationProperties(RatsProperties.class)
public final class RatsDhtAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DhtDiscovery ratsDhtDiscovery(RatsProperties properties) {
		return new DhtDiscovery(RatsConfigFactory.dhtConfig(properties.getDiscovery().getDht()));
	}

}
