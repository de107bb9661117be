package io.librats.mdns;

import java.util.List;

/**
 * Running mDNS discovery, as other code uses it. {@link MdnsDiscovery} registers itself under this type in the
 * node's {@link io.librats.subsystem.ServiceRegistry} while it runs.
 */
public interface MdnsService {

	/** Rats services currently discovered on the local link (ourselves excluded), a snapshot. */
	List<MdnsServiceInfo> discoveredServices();

	/** The DNS-SD instance name we advertise; it changes if the wanted one was taken (RFC 6762 section 9). */
	String instanceName();

	/** State and counts, taken now. */
	MdnsStats stats();

	/** Adds a listener for services appearing and going. */
	void addListener(MdnsServiceListener listener);

	void removeListener(MdnsServiceListener listener);

}
