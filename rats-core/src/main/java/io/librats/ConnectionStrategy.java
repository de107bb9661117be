package io.librats;

/**
 * How {@link RatsClient#connectToPeer(String, int, ConnectionStrategy)} reaches a peer. This release implements
 * {@link #DIRECT} and {@link #TURN_RELAY}; {@link #AUTO_ADAPTIVE} tries direct, then the TURN relay when the NAT
 * subsystem has one. {@link #STUN_ASSISTED} and {@link #ICE} complete with a failed {@link ConnectionAttemptResult}
 * saying they are not available yet.
 */
public enum ConnectionStrategy {
	/** A plain TCP connection to the given address. */
	DIRECT,
	/** Direct, with the public address learned through STUN. Not available yet. */
	STUN_ASSISTED,
	/** Full ICE (RFC 8445) with hole punching. Not available yet. */
	ICE,
	/**
	 * Through this node's own TURN TCP allocation (RFC 6062): the relay connects to the peer's address and the rats
	 * session (Noise included) runs over the relayed stream, so the relay sees only ciphertext. Needs the
	 * {@code "nat"} subsystem with a TURN server.
	 */
	TURN_RELAY,
	/** Each available method in turn, cheapest first. */
	AUTO_ADAPTIVE
}
