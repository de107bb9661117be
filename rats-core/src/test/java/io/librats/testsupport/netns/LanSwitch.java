package io.librats.testsupport.netns;

/**
 * A layer-2 switch: a bridge in a namespace of its own, so three or more namespaces can share one LAN (multicast
 * reaches all of them, as on a real segment). Closing it closes its namespace and with it every port.
 */
public final class LanSwitch implements AutoCloseable {

	private final Netns netns;

	private int ports;

	private LanSwitch(Netns netns) {
		this.netns = netns;
	}

	public static LanSwitch create(String prefix) {
		Netns netns = Netns.create(prefix);
		netns.exec("ip", "link", "add", "br0", "type", "bridge");
		// No spanning tree and no forwarding delay: ports forward at once instead of learning for 15 seconds.
		netns.exec("ip", "link", "set", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0");
		netns.exec("ip", "link", "set", "br0", "up");
		return new LanSwitch(netns);
	}

	/** Plugs {@code host} in with an interface named {@code ifName} carrying the given CIDR addresses. */
	public synchronized void attach(Netns host, String ifName, String... addresses) {
		String port = "p" + (this.ports++);
		VethLink.connect(this.netns, port, null, host, ifName, null);
		this.netns.exec("ip", "link", "set", port, "master", "br0");
		for (String address : addresses) {
			VethLink.addAddress(host, ifName, address);
		}
	}

	public Netns netns() {
		return this.netns;
	}

	@Override
	public void close() {
		this.netns.close();
	}

}
