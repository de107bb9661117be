package io.librats.natlab;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.librats.nat.NatBehavior;
import io.librats.testsupport.netns.Netns;

/**
 * What coturn's own RFC 5780 client, {@code turnutils_natdiscovery}, measures from a host: the lab's reference that
 * nobody here wrote. Filtering is measured before mapping: the mapping test sends to the server's second address,
 * which would open an address-restricted cone to it and make filtering look endpoint-independent.
 *
 * @param mapping the measured mapping behaviour
 * @param filtering the measured filtering behaviour
 */
public record NatDiscovery(NatBehavior mapping, NatBehavior filtering) {

	private static final Pattern VERDICT = Pattern
		.compile("NAT with (Endpoint Independent|Address Dependent|Address and Port Dependent) (Mapping|Filtering)!");

	/** Runs {@code -f} then {@code -m} against the server's primary address from inside {@code host}. */
	public static NatDiscovery measure(Netns host, String server) {
		NatBehavior filtering = verdict(host.exec("turnutils_natdiscovery", "-f", server), "Filtering");
		NatBehavior mapping = verdict(host.exec("turnutils_natdiscovery", "-m", server), "Mapping");
		return new NatDiscovery(mapping, filtering);
	}

	static NatBehavior verdict(String output, String test) {
		Matcher matcher = VERDICT.matcher(output);
		while (matcher.find()) {
			if (matcher.group(2).equals(test)) {
				return switch (matcher.group(1)) {
					case "Endpoint Independent" -> NatBehavior.ENDPOINT_INDEPENDENT;
					case "Address Dependent" -> NatBehavior.ADDRESS_DEPENDENT;
					default -> NatBehavior.ADDRESS_AND_PORT_DEPENDENT;
				};
			}
		}
		return NatBehavior.UNKNOWN;
	}

	@Override
	public String toString() {
		return "mapping " + this.mapping + ", filtering " + this.filtering;
	}

}
