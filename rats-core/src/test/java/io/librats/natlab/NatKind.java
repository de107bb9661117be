package io.librats.natlab;

import io.librats.nat.NatBehavior;
import io.librats.nat.NatType;

/**
 * The NAT behaviours a {@link NatLab} site can sit behind, each with what RFC 5780 discovery must measure through it
 * and the librats class that measurement maps to. How each is built is in {@link LabRouter#applyNat}.
 */
public enum NatKind {

	/** No router: the host has an address on the lab internet itself. */
	OPEN(NatBehavior.ENDPOINT_INDEPENDENT, NatBehavior.ENDPOINT_INDEPENDENT, NatType.OPEN_INTERNET),

	/** MASQUERADE plus a DNAT of all inbound UDP to the host: anyone may use a mapping. */
	FULL_CONE(NatBehavior.ENDPOINT_INDEPENDENT, NatBehavior.ENDPOINT_INDEPENDENT, NatType.FULL_CONE),

	/** MASQUERADE plus a DNAT of inbound UDP only from addresses the site has sent to. */
	RESTRICTED_CONE(NatBehavior.ENDPOINT_INDEPENDENT, NatBehavior.ADDRESS_DEPENDENT, NatType.RESTRICTED_CONE),

	/** Plain MASQUERADE: Linux keeps the source port, and conntrack lets in only the exact peer. */
	PORT_RESTRICTED_CONE(NatBehavior.ENDPOINT_INDEPENDENT, NatBehavior.ADDRESS_AND_PORT_DEPENDENT,
			NatType.PORT_RESTRICTED_CONE),

	/** MASQUERADE with {@code --random-fully}: a new random port for every destination. */
	SYMMETRIC(NatBehavior.ADDRESS_AND_PORT_DEPENDENT, NatBehavior.ADDRESS_AND_PORT_DEPENDENT, NatType.SYMMETRIC),

	/**
	 * Two port-restricted routers in a row. RFC 5780 has no class for it: what is measured is the combined
	 * behaviour, which is port-restricted.
	 */
	DOUBLE_NAT(NatBehavior.ENDPOINT_INDEPENDENT, NatBehavior.ADDRESS_AND_PORT_DEPENDENT, NatType.PORT_RESTRICTED_CONE);

	private final NatBehavior mapping;

	private final NatBehavior filtering;

	private final NatType natType;

	NatKind(NatBehavior mapping, NatBehavior filtering, NatType natType) {
		this.mapping = mapping;
		this.filtering = filtering;
		this.natType = natType;
	}

	/** The mapping behaviour RFC 5780 discovery must measure behind this kind. */
	public NatBehavior mapping() {
		return this.mapping;
	}

	/** The filtering behaviour RFC 5780 discovery must measure behind this kind. */
	public NatBehavior filtering() {
		return this.filtering;
	}

	/** The librats class {@code detectNatType()} must report behind this kind. */
	public NatType natType() {
		return this.natType;
	}

}
