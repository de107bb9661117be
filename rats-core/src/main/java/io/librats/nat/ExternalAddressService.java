package io.librats.nat;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A node's public IP address as some mechanism learned it (STUN, UPnP, ...). A NAT subsystem registers one in the
 * {@link io.librats.subsystem.ServiceRegistry}; others read it, for example the DHT to choose a BEP 42 node id.
 */
@FunctionalInterface
public interface ExternalAddressService {

	/** The external address if known now; cheap and non-blocking. */
	Optional<InetAddress> externalAddress();

}
