package io.librats;

/**
 * How {@link RatsClient#connectToPeer(String, int, ConnectionStrategy)} reaches a peer. This release implements
 * {@link #DIRECT}; {@link #AUTO_ADAPTIVE} tries the methods available, which today is DIRECT alone. The others
 * complete with a failed {@link ConnectionAttemptResult} saying they are not available yet, until the NAT traversal
 * subsystems land.
 */
public enum ConnectionStrategy {
	/** A plain TCP connection to the given address. */
	DIRECT,
	/** Direct, with the public address learned through STUN. Not available yet. */
	STUN_ASSISTED,
	/** Full ICE (RFC 8445) with hole punching. Not available yet. */
	ICE,
	/** Through a TURN relay (RFC 8656). Not available yet. */
	TURN_RELAY,
	/** Each available method in turn, cheapest first. */
	AUTO_ADAPTIVE
}
