package io.librats.spring.env;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import io.librats.config.PeerAddress;
import io.librats.spring.event.NatTypeDetectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Saves what the node learns about its NAT: written atomically to {@code nat.json} in the state directory, and put
 * into the {@value NodeStatePropertySource#NAME} property source so the Environment shows it at once.
 */
public final class NatFactsRecorder implements ApplicationListener<NatTypeDetectedEvent> {

	private static final Log logger = LogFactory.getLog(NatFactsRecorder.class);

	private final Path stateDir;

	private final ConfigurableEnvironment environment;

	/**
	 * @param stateDir the node's state directory, or {@code null} to keep the facts in the Environment only
	 */
	public NatFactsRecorder(Path stateDir, ConfigurableEnvironment environment) {
		this.stateDir = stateDir;
		this.environment = environment;
	}

	@Override
	public void onApplicationEvent(NatTypeDetectedEvent event) {
		InetSocketAddress address = event.getPublicAddress();
		NatFactsFile.NatFacts facts = new NatFactsFile.NatFacts(event.getNatType(), format(address),
				event.getDetectedAt());
		NodeStatePropertySource.in(this.environment).putNat(facts);
		if (this.stateDir != null) {
			try {
				NatFactsFile.write(this.stateDir, facts);
			}
			catch (IOException ex) {
				logger.warn("Could not save NAT facts in " + this.stateDir + ": " + ex.getMessage());
			}
		}
	}

	private static String format(InetSocketAddress address) {
		if (address == null) {
			return null;
		}
		if (address.getPort() < 1) {
			return address.getHostString();
		}
		return new PeerAddress(address.getHostString(), address.getPort()).toString();
	}

}
