package io.librats.nat;

/**
 * How a NAT maps or filters, in the terms of RFC 4787 as RFC 5780 measures them. The same three classes describe both
 * mapping (which external address a new destination gets) and filtering (which senders may reach an existing mapping).
 */
public enum NatBehavior {
	/** The same mapping for every destination / any sender may use the mapping. */
	ENDPOINT_INDEPENDENT,
	/** A mapping per destination address / only addresses we sent to may answer. */
	ADDRESS_DEPENDENT,
	/** A mapping per destination address and port / only the exact address and port we sent to may answer. */
	ADDRESS_AND_PORT_DEPENDENT,
	/** Not measured, or the server cannot tell (no OTHER-ADDRESS, no answer). */
	UNKNOWN
}
