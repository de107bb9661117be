package io.librats.mdns;

import java.net.InetSocketAddress;
import java.util.List;

/** Where the protocol logic sends its messages, and which interfaces it runs on. */
interface MdnsOutput {

	/** The interfaces mDNS currently runs on. */
	List<MdnsInterface> interfaces();

	/** Sends to the mDNS group(s) on one interface: IPv4 and IPv6, as the interface and configuration allow. */
	void multicast(MdnsInterface iface, MdnsMessage message);

	/** Sends directly to one address through one interface (QU answers, legacy unicast). */
	void unicast(MdnsInterface iface, InetSocketAddress destination, MdnsMessage message);

}
