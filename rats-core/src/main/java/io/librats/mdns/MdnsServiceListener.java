package io.librats.mdns;

/**
 * Hears rats services appear and go. Called on the mDNS thread: must return quickly and never block.
 */
public interface MdnsServiceListener {

	/** A service became resolvable (SRV, TXT and an address), or its port or addresses changed. */
	void serviceFound(MdnsServiceInfo service);

	/** A service said goodbye (one second after its TTL 0 records, RFC 6762 section 10.1) or expired. */
	void serviceLost(MdnsServiceInfo service);

	/**
	 * Probing settled on the instance name we advertise: once after start, and again after each rename forced by a
	 * conflict (RFC 6762 section 9) or after probing again when interfaces changed.
	 */
	default void nameSettled(String instanceName) {
	}

}
