package io.librats.nat;

/**
 * NAT behaviour classes, as librats names them, derived from RFC 5780 measurements by
 * {@link NatTypeInfo#classify}. {@link #UNKNOWN} until NAT detection has run or when the server cannot tell.
 */
public enum NatType {
	/** Not measured, or the measurement was inconclusive. */
	UNKNOWN,
	/** No NAT and no filtering: our local address is public and reachable. */
	OPEN_INTERNET,
	/** Endpoint-independent mapping and filtering. */
	FULL_CONE,
	/** Endpoint-independent mapping, address-dependent filtering. */
	RESTRICTED_CONE,
	/** Endpoint-independent mapping, address-and-port-dependent filtering. */
	PORT_RESTRICTED_CONE,
	/** The mapping depends on the destination: the address a STUN server sees is useless to other peers. */
	SYMMETRIC,
	/** No STUN answer at all: UDP is blocked or the server is down. */
	BLOCKED
}
