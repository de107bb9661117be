package io.librats.spring.autoconfigure;

import io.librats.RatsClient;
import io.librats.mdns.MdnsDiscovery;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * mDNS / DNS-SD local discovery ({@code rats.discovery.mdns.enabled=true}): an {@link MdnsDiscovery} subsystem
 * bean, which the client bean attaches. Off by default, since it multicasts on the local network.
 */
@AutoConfiguration(before = RatsAutoConfiguration.class)
@ConditionalOnClass({ RatsClient.class, MdnsDiscovery.class })
@ConditionalOnBooleanProperty(name = "rats.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "rats.discovery.mdns.enabled")
@EnableConfigurationProperties(RatsProperties.class)
public final class RatsMdnsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MdnsDiscovery ratsMdnsDiscovery(RatsProperties properties) {
		return new MdnsDiscovery(RatsConfigFactory.mdnsConfig(properties.getDiscovery().getMdns()));
	}

}
