package io.librats.nat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What RFC 5780 behaviour discovery learned about the path between this node and a STUN server.
 *
 * @param natType the behaviour summarised in librats' classes
 * @param mapping mapping behaviour (RFC 5780 section 4.3)
 * @param filtering filtering behaviour (RFC 5780 section 4.4)
 * @param hairpinning whether a packet to our own mapped address comes back to us (section 4.5); {@code null} when not
 * tested
 * @param behindNat whether the mapped address differs from the local one
 * @param sharedAddressSpace whether the mapped address is itself in the shared address space of carrier-grade NAT
 * (100.64.0.0/10), the one case where a further NAT layer can be seen from here
 * @param localAddress the local UDP address the tests ran from
 * @param mappedAddress our address as the server saw it (XOR-MAPPED-ADDRESS), or {@code null} with no answer
 * @param server the STUN server's primary address
 * @param otherAddress the server's alternate address (OTHER-ADDRESS), or {@code null} if it has none
 * @param mappingLifetime estimated mapping lifetime; {@code null}: not measured (it costs minutes, see docs/nat.md)
 * @param detectedAt when the measurement finished
 * @param took how long it took
 * @param detail a short human-readable account of the tests, for logs and Actuator
 */
public record NatTypeInfo(NatType natType, NatBehavior mapping, NatBehavior filtering, Boolean hairpinning,
		boolean behindNat, boolean sharedAddressSpace, InetSocketAddress localAddress, InetSocketAddress mappedAddress,
		InetSocketAddress server, InetSocketAddress otherAddress, Duration mappingLifetime, Instant detectedAt,
		Duration took, String detail) {

	/**
	 * The librats class for measured behaviours: no NAT with open filtering is {@link NatType#OPEN_INTERNET}; a
	 * mapping that depends on the destination is {@link NatType#SYMMETRIC}; an endpoint-independent mapping is a cone
	 * named by its filtering. Without a NAT, restrictive filtering (a stateful firewall) is reported like the cone of
	 * the same filtering, since that is what a peer trying to reach us meets.
	 */
	public static NatType classify(boolean answered, boolean behindNat, NatBehavior mapping, NatBehavior filtering) {
		if (!answered) {
			return NatType.BLOCKED;
		}
		if (!behindNat && filtering == NatBehavior.ENDPOINT_INDEPENDENT) {
			return NatType.OPEN_INTERNET;
		}
		if (mapping == NatBehavior.ADDRESS_DEPENDENT || mapping == NatBehavior.ADDRESS_AND_PORT_DEPENDENT) {
			return NatType.SYMMETRIC;
		}
		if (mapping == NatBehavior.UNKNOWN && behindNat) {
			return NatType.UNKNOWN;
		}
		return switch (filtering) {
			case ENDPOINT_INDEPENDENT -> NatType.FULL_CONE;
			case ADDRESS_DEPENDENT -> NatType.RESTRICTED_CONE;
			case ADDRESS_AND_PORT_DEPENDENT -> NatType.PORT_RESTRICTED_CONE;
			case UNKNOWN -> behindNat ? NatType.UNKNOWN : NatType.OPEN_INTERNET;
		};
	}

}
