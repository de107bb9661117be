package io.librats.dht;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact encodings of BEP 5 and BEP 32: peer info (4- or 16-byte address, 2-byte big-endian port) and node
 * info (20-byte id followed by peer info), concatenated in {@code nodes}/{@code nodes6}.
 */
final class Compact {

	static final int IPV4_PEER = 6;

	static final int IPV6_PEER = 18;

	static final int IPV4_NODE = NodeId.LENGTH + IPV4_PEER;

	static final int IPV6_NODE = NodeId.LENGTH + IPV6_PEER;

	private Compact() {
	}

	static byte[] peer(InetSocketAddress address) {
		byte[] ip = address.getAddress().getAddress();
		byte[] out = Arrays.copyOf(ip, ip.length + 2);
		out[ip.length] = (byte) (address.getPort() >> 8);
		out[ip.length + 1] = (byte) address.getPort();
		return out;
	}

	/** A compact peer of 6 or 18 bytes, or {@code null} if the length is neither or the port is 0. */
	static InetSocketAddress parsePeer(byte[] bytes) {
		return parsePeer(bytes, 0, bytes.length);
	}

	private static InetSocketAddress parsePeer(byte[] bytes, int offset, int length) {
		if (length != IPV4_PEER && length != IPV6_PEER) {
			return null;
		}
		int ipLength = length - 2;
		int port = ((bytes[offset + ipLength] & 0xff) << 8) | (bytes[offset + ipLength + 1] & 0xff);
		if (port == 0) {
			return null;
		}
		try {
			InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + ipLength));
			return new InetSocketAddress(ip, port);
		}
		catch (UnknownHostException ex) {
			return null; // impossible for 4 or 16 bytes
		}
	}

	static byte[] nodes(List<Contact> contacts, boolean ipv6) {
		int size = ipv6 ? IPV6_NODE : IPV4_NODE;
		List<Contact> matching = new ArrayList<>(contacts.size());
		for (Contact contact : contacts) {
			if (isIpv6(contact.address()) == ipv6) {
				matching.add(contact);
			}
		}
		byte[] out = new byte[matching.size() * size];
		int offset = 0;
		for (Contact contact : matching) {
			for (int i = 0; i < NodeId.LENGTH; i++) {
				out[offset + i] = (byte) contact.id().byteAt(i);
			}
			byte[] peer = peer(contact.address());
			System.arraycopy(peer, 0, out, offset + NodeId.LENGTH, peer.length);
			offset += size;
		}
		return out;
	}

	/**
	 * Parses a {@code nodes} (26-byte entries) or {@code nodes6} (38-byte entries) string. Returns {@code null} when
	 * the length is not a multiple of the entry size; entries with port 0 are skipped.
	 */
	static List<Contact> parseNodes(byte[] bytes, boolean ipv6) {
		int size = ipv6 ? IPV6_NODE : IPV4_NODE;
		if (bytes.length % size != 0) {
			return null;
		}
		List<Contact> out = new ArrayList<>(bytes.length / size);
		for (int offset = 0; offset < bytes.length; offset += size) {
			InetSocketAddress address = parsePeer(bytes, offset + NodeId.LENGTH, size - NodeId.LENGTH);
			if (address != null) {
				out.add(new Contact(NodeId.of(Arrays.copyOfRange(bytes, offset, offset + NodeId.LENGTH)), address));
			}
		}
		return out;
	}

	static boolean isIpv6(InetSocketAddress address) {
		return address.getAddress() instanceof Inet6Address;
	}

	static boolean isIpv4(InetAddress address) {
		return address instanceof Inet4Address;
	}

	/** {@code host:port}, with brackets around IPv6 hosts. */
	static String format(InetSocketAddress address) {
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
	}

}
