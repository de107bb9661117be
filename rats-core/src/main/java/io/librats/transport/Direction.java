package io.librats.transport;

/** Which side opened a connection. */
public enum Direction {
	/** We dialed the peer. */
	OUTBOUND,
	/** The peer dialed us. */
	INBOUND
}
