package io.librats.nat;

/** NAT behaviour classes, as librats names them. {@link #UNKNOWN} until NAT detection has run. */
public enum NatType {
	UNKNOWN,
	OPEN_INTERNET,
	FULL_CONE,
	RESTRICTED_CONE,
	PORT_RESTRICTED_CONE,
	SYMMETRIC,
	BLOCKED
}
