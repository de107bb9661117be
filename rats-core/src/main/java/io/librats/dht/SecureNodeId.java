package io.librats.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * BEP 42 node ids: the first 21 bits of a node id are the CRC32-C of the node's (masked) external IP combined with
 * three random bits, and its last byte holds those random bits, so a node cannot choose where in the id space it
 * sits without controlling many IPs.
 *
 * <pre>
 * IPv4: ip &amp;= 0x030f3fff              IPv6: first 8 bytes &amp;= 0x0103070f1f3f7fff
 * ip[0] |= (rand &amp; 7) &lt;&lt; 5
 * crc = crc32c(ip)
 * id[0] = crc &gt;&gt; 24, id[1] = crc &gt;&gt; 16, id[2] = (crc &gt;&gt; 8 &amp; 0xf8) | random 3 bits, id[19] = rand
 * </pre>
 *
 * Loopback, link-local and private IPv4 ranges (127/8, 169.254/16, 10/8, 172.16/12, 192.168/16) are exempt: any id
 * is valid for them, unless the caller asks to treat local addresses like public ones (simulations).
 */
final class SecureNodeId {

	private static final byte[] V4_MASK = { 0x03, 0x0f, 0x3f, (byte) 0xff };

	private static final byte[] V6_MASK = { 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff };

	private SecureNodeId() {
	}

	/** A new id valid for {@code ip}, with random bits from {@code random}. */
	static NodeId generate(InetAddress ip, Random random) {
		return generate(ip, random.nextInt(256), random);
	}

	/** The id for {@code ip} with the given {@code rand} byte; the other bits come from {@code random}. */
	static NodeId generate(InetAddress ip, int rand, Random random) {
		byte[] id = NodeId.random(random).toBytes();
		int crc = crc(ip, rand);
		id[0] = (byte) (crc >>> 24);
		id[1] = (byte) (crc >>> 16);
		id[2] = (byte) (((crc >>> 8) & 0xf8) | (id[2] & 0x07));
		id[19] = (byte) rand;
		return NodeId.of(id);
	}

	/** Whether {@code id} is valid for {@code ip} (always for exempt addresses unless {@code checkLocal}). */
	static boolean isValid(NodeId id, InetAddress ip, boolean checkLocal) {
		if (!checkLocal && isExempt(ip)) {
			return true;
		}
		int crc = crc(ip, id.byteAt(19));
		return id.byteAt(0) == ((crc >>> 24) & 0xff) && id.byteAt(1) == ((crc >>> 16) & 0xff)
				&& ((id.byteAt(2) ^ (crc >>> 8)) & 0xf8) == 0;
	}

	/** Addresses BEP 42 exempts: loopback, link-local and private ranges (and their IPv6 counterparts). */
	static boolean isExempt(InetAddress ip) {
		if (ip.isLoopbackAddress() || ip.isLinkLocalAddress() || ip.isSiteLocalAddress() || ip.isAnyLocalAddress()) {
			return true;
		}
		byte[] bytes = ip.getAddress();
		return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc; // IPv6 unique local fc00::/7
	}

	private static int crc(InetAddress ip, int rand) {
		byte[] address = ip.getAddress();
		byte[] mask = (ip instanceof Inet4Address) ? V4_MASK : V6_MASK;
		byte[] masked = new byte[mask.length];
		for (int i = 0; i < mask.length; i++) {
			masked[i] = (byte) (address[i] & mask[i]);
		}
		masked[0] |= (byte) ((rand & 0x07) << 5);
		CRC32C crc = new CRC32C();
		crc.update(masked);
		return (int) crc.getValue();
	}

}
