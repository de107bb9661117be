package io.librats.mdns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * A network interface mDNS runs on, with its addresses as they were when last polled.
 *
 * @param name the interface name, for example {@code eth0}
 * @param index the interface index (the scope id of its IPv6 link-local addresses)
 * @param addresses its addresses with prefix lengths
 */
record MdnsInterface(String name, int index, List<Address> addresses) {

	/** One address of an interface and the length of its network prefix. */
	record Address(InetAddress address, int prefixLength) {
	}

	MdnsInterface {
		addresses = List.copyOf(addresses);
	}

	boolean hasIpv4() {
		return this.addresses.stream().anyMatch((a) -> a.address() instanceof Inet4Address);
	}

	boolean hasIpv6() {
		return this.addresses.stream().anyMatch((a) -> a.address() instanceof Inet6Address);
	}

	/**
	 * Whether {@code source} is on this interface's link (RFC 6762 section 11): an IPv6 link-local address with our
	 * index as scope, or an address inside one of our prefixes.
	 */
	boolean isOnLink(InetAddress source) {
		if (source instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
			return v6.getScopeId() == this.index || v6.getScopeId() == 0;
		}
		for (Address address : this.addresses) {
			if (samePrefix(address.address(), source, address.prefixLength())) {
				return true;
			}
		}
		return false;
	}

	private static boolean samePrefix(InetAddress a, InetAddress b, int prefixLength) {
		byte[] x = a.getAddress();
		byte[] y = b.getAddress();
		if (x.length != y.length) {
			return false;
		}
		int bits = Math.min(prefixLength, x.length * 8);
		for (int i = 0; i < bits; i++) {
			int mask = 0x80 >>> (i % 8);
			if ((x[i / 8] & mask) != (y[i / 8] & mask)) {
				return false;
			}
		}
		return true;
	}

}
