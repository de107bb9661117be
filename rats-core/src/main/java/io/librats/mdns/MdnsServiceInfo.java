package io.librats.mdns;

import java.util.List;
import java.util.Map;

/**
 * A rats node found on the local link through DNS-SD.
 *
 * @param instanceName the DNS-SD instance label, for example {@code laptop-3f2a1c}
 * @param hostName the SRV target, for example {@code rats-3f2a1c0d9e8b.local.}
 * @param port the TCP port the node accepts rats peers on
 * @param addresses its addresses on the link, IPv4 first; IPv6 link-local ones carry their {@code %interface}
 * @param peerId the peer id from the TXT record
 * @param protocolVersion the rats protocol version from the TXT record
 * @param namespace the application namespace from the TXT record
 * @param txt every TXT key (lower case) and value
 * @param interfaceName the interface it was found on
 */
public record MdnsServiceInfo(String instanceName, String hostName, int port, List<String> addresses, String peerId,
		int protocolVersion, String namespace, Map<String, String> txt, String interfaceName) {

	public MdnsServiceInfo {
		addresses = List.copyOf(addresses);
		txt = Map.copyOf(txt);
	}

}
