package io.librats.natlab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.librats.testsupport.netns.Netns;

/**
 * A NAT router of the lab: a namespace with {@code wan0} towards the lab internet and {@code lan0} towards its site,
 * forwarding between them with the NAT behaviour of a {@link NatKind}. Closed with its namespace.
 */
public final class LabRouter implements AutoCloseable {

	static final String WAN = "wan0";

	static final String LAN = "lan0";

	/** The {@code xt_recent} list of addresses the site has sent to (address-restricted cone only). */
	private static final String CONTACTED = "contacted";

	private static final Pattern COUNTER = Pattern.compile("^\\[(\\d+):(\\d+)\\]");

	private final Netns netns;

	private final String wanAddress;

	LabRouter(Netns netns, String wanAddress) {
		this.netns = netns;
		this.wanAddress = wanAddress;
	}

	public Netns netns() {
		return this.netns;
	}

	/** The router's address on its WAN side: the site's public address for a single router. */
	public String wanAddress() {
		return this.wanAddress;
	}

	/**
	 * Turns on forwarding and NAT of the given kind towards the host at {@code hostAddress}. Every kind drops
	 * unsolicited UDP to the router itself (nat-lab-facts: an unanswered packet would otherwise make conntrack pick
	 * another port for the host's own mapping).
	 */
	void applyNat(NatKind kind, String hostAddress) {
		this.netns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
		iptables("-A", "INPUT", "-i", WAN, "-p", "udp", "-j", "DROP");
		switch (kind) {
			case FULL_CONE -> {
				masquerade();
				iptables("-t", "nat", "-A", "PREROUTING", "-i", WAN, "-p", "udp", "-j", "DNAT", "--to-destination",
						hostAddress);
			}
			case RESTRICTED_CONE -> {
				masquerade();
				// Remember every address the site sends to, and let UDP from those addresses (any port) in.
				iptables("-A", "FORWARD", "-o", WAN, "-m", "recent", "--name", CONTACTED, "--rdest", "--set", "-j",
						"ACCEPT");
				iptables("-t", "nat", "-A", "PREROUTING", "-i", WAN, "-p", "udp", "-m", "recent", "--name", CONTACTED,
						"--rsource", "--rcheck", "--seconds", "300", "-j", "DNAT", "--to-destination", hostAddress);
			}
			case PORT_RESTRICTED_CONE, DOUBLE_NAT -> masquerade();
			case SYMMETRIC -> masquerade("--random-fully");
			case OPEN -> throw new IllegalArgumentException("an open host has no router");
		}
	}

	private void masquerade(String... options) {
		List<String> rule = new ArrayList<>(List.of("-t", "nat", "-A", "POSTROUTING", "-o", WAN, "-j", "MASQUERADE"));
		rule.addAll(List.of(options));
		iptables(rule.toArray(String[]::new));
	}

	/**
	 * Forgets the addresses an address-restricted cone has been opened to, as if the site had never sent anything;
	 * a no-op for the other kinds. Lets a second measurement on the same host start from a closed NAT.
	 */
	public void forgetContactedAddresses() {
		String list = "/proc/net/xt_recent/" + CONTACTED;
		this.netns.exec("sh", "-c", "[ ! -e " + list + " ] || echo / > " + list);
	}

	/**
	 * Adds counting rules (no verdict) named {@code name} for every packet between the WAN and {@code cidr}, in both
	 * directions and before any NAT or filtering, so even packets the router then drops are counted.
	 */
	public void countTrafficWith(String name, String cidr) {
		iptables("-t", "raw", "-A", "PREROUTING", "-i", WAN, "-s", cidr, "-m", "comment", "--comment", name);
		iptables("-t", "mangle", "-A", "POSTROUTING", "-o", WAN, "-d", cidr, "-m", "comment", "--comment", name);
	}

	/** Packets counted so far by the rules named {@code name}, both directions together. */
	public long packets(String name) {
		long packets = 0;
		for (String table : new String[] { "raw", "mangle" }) {
			for (String line : this.netns.exec("iptables-save", "-c", "-t", table).split("\n")) {
				if (line.contains("--comment " + name + " ") || line.endsWith("--comment " + name)) {
					Matcher matcher = COUNTER.matcher(line);
					if (matcher.find()) {
						packets += Long.parseLong(matcher.group(1));
					}
				}
			}
		}
		return packets;
	}

	private void iptables(String... args) {
		List<String> command = new ArrayList<>(List.of("iptables", "-w"));
		command.addAll(List.of(args));
		this.netns.exec(command.toArray(String[]::new));
	}

	@Override
	public void close() {
		this.netns.close();
	}

	@Override
	public String toString() {
		return "router " + this.netns + " (WAN " + this.wanAddress + ")";
	}

}
