package io.librats.spring.event;

import io.librats.RatsClient;
import io.librats.nat.NatService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Once the application is ready, classifies the node's NAT (RFC 5780, through the NAT traversal subsystem, when one
 * runs: that is, when STUN or TURN servers are configured) and publishes the result as a
 * {@link NatTypeDetectedEvent}. Detection runs in the background and never delays or fails startup; a failure is
 * logged once.
 */
public final class NatDetectionPublisher implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(NatDetectionPublisher.class);

	private final RatsClient client;

	private final ApplicationEventPublisher publisher;

	public NatDetectionPublisher(RatsClient client, ApplicationEventPublisher publisher) {
		this.client = client;
		this.publisher = publisher;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!this.client.isRunning() || this.client.natService().isEmpty()) {
			return;
		}
		this.client.getNatCharacteristics().whenComplete((info, ex) -> {
			if (info != null) {
				this.publisher.publishEvent(new NatTypeDetectedEvent(this.client, info.natType(),
						this.client.natService().flatMap(NatService::publicAddress).orElse(null)));
			}
			else {
				logger.info("NAT type detection failed: " + ex.getMessage());
			}
		});
	}

}
