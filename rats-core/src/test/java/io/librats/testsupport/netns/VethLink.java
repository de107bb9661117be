package io.librats.testsupport.netns;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A veth pair between two namespaces, each end with an address. Deleted with either namespace. IPv6 addresses are
 * added with {@code nodad}: duplicate address detection would hold them "tentative" for seconds, and a socket
 * cannot bind a tentative address.
 */
public final class VethLink {

	private VethLink() {
	}

	/**
	 * Connects {@code a} and {@code b} with interfaces named {@code ifA}/{@code ifB} (at most 15 characters) and
	 * brings both up. Addresses are CIDR strings such as {@code 10.7.0.1/24} or {@code fd00::1/64}; {@code null}
	 * leaves an end without an address of that family.
	 */
	public static void connect(Netns a, String ifA, String addressA, Netns b, String ifB, String addressB) {
		// Create under temporary host names so parallel runs never clash, then rename inside each namespace.
		String tmp = "vt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
		Netns.host("ip", "link", "add", tmp + "a", "type", "veth", "peer", "name", tmp + "b");
		Netns.host("ip", "link", "set", tmp + "a", "netns", a.name());
		Netns.host("ip", "link", "set", tmp + "b", "netns", b.name());
		configure(a, tmp + "a", ifA, addressA);
		configure(b, tmp + "b", ifB, addressB);
	}

	private static void configure(Netns netns, String tmpName, String name, String address) {
		netns.exec("ip", "link", "set", tmpName, "name", name);
		// Link-local addresses too must be usable at once (mDNS over IPv6 sends from them).
		netns.exec("sysctl", "-q", "-w", "net.ipv6.conf." + name + ".accept_dad=0");
		if (address != null) {
			addAddress(netns, name, address);
		}
		netns.exec("ip", "link", "set", name, "up");
	}

	/** Adds an address to an interface, IPv6 without duplicate address detection. */
	public static void addAddress(Netns netns, String ifName, String cidr) {
		if (cidr.contains(":")) {
			netns.exec("ip", "-6", "addr", "add", cidr, "dev", ifName, "nodad");
		}
		else {
			netns.exec("ip", "addr", "add", cidr, "dev", ifName);
		}
	}

}
