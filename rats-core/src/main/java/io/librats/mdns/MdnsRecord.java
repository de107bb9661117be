package io.librats.mdns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsRecordType;

/**
 * A resource record. The rdata is kept in canonical form: names inside it (PTR target, SRV target) uncompressed, so
 * records compare by their bytes as RFC 6762 sections 8.2 and 9 require, whatever compression the sender used.
 *
 * @param name owner name
 * @param type record type, one of Netty's {@link DnsRecordType} values
 * @param rrClass class without the top bit (1 = IN)
 * @param cacheFlush the top bit of the class in a response: this record replaces others of its name and type
 *        (section 10.2)
 * @param ttl seconds; 0 is a goodbye (section 10.1)
 * @param rdata canonical record data
 */
record MdnsRecord(DnsName name, int type, int rrClass, boolean cacheFlush, long ttl, byte[] rdata) {

	static final int CLASS_IN = 1;

	static final int A = DnsRecordType.A.intValue();

	static final int AAAA = DnsRecordType.AAAA.intValue();

	static final int PTR = DnsRecordType.PTR.intValue();

	static final int SRV = DnsRecordType.SRV.intValue();

	static final int TXT = DnsRecordType.TXT.intValue();

	static final int NSEC = DnsRecordType.NSEC.intValue();

	static MdnsRecord ptr(DnsName name, DnsName target, long ttl) {
		return new MdnsRecord(name, PTR, CLASS_IN, false, ttl, target.toWire());
	}

	static MdnsRecord srv(DnsName name, int port, DnsName target, long ttl) {
		byte[] targetWire = target.toWire();
		byte[] rdata = new byte[6 + targetWire.length];
		rdata[4] = (byte) (port >>> 8);
		rdata[5] = (byte) port;
		System.arraycopy(targetWire, 0, rdata, 6, targetWire.length);
		return new MdnsRecord(name, SRV, CLASS_IN, true, ttl, rdata);
	}

	/** A TXT record of {@code key=value} strings (RFC 6763 section 6); no strings gives the single empty string. */
	static MdnsRecord txt(DnsName name, List<String> strings, long ttl) {
		List<byte[]> encoded = new ArrayList<>();
		int length = 0;
		for (String string : strings) {
			byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
			if (bytes.length > 255) {
				throw new IllegalArgumentException("TXT string longer than 255 bytes: " + string);
			}
			encoded.add(bytes);
			length += 1 + bytes.length;
		}
		if (encoded.isEmpty()) {
			return new MdnsRecord(name, TXT, CLASS_IN, true, ttl, new byte[1]);
		}
		byte[] rdata = new byte[length];
		int at = 0;
		for (byte[] bytes : encoded) {
			rdata[at++] = (byte) bytes.length;
			System.arraycopy(bytes, 0, rdata, at, bytes.length);
			at += bytes.length;
		}
		return new MdnsRecord(name, TXT, CLASS_IN, true, ttl, rdata);
	}

	static MdnsRecord address(DnsName name, InetAddress address, long ttl) {
		byte[] bytes = address.getAddress();
		return new MdnsRecord(name, (bytes.length == 4) ? A : AAAA, CLASS_IN, true, ttl, bytes);
	}

	MdnsRecord withTtl(long newTtl) {
		return new MdnsRecord(this.name, this.type, this.rrClass, this.cacheFlush, newTtl, this.rdata);
	}

	MdnsRecord withCacheFlush(boolean flush) {
		return new MdnsRecord(this.name, this.type, this.rrClass, flush, this.ttl, this.rdata);
	}

	/** Same name, type, class and data: the same record, whatever its TTL and cache-flush bit. */
	boolean sameRecord(MdnsRecord other) {
		return this.type == other.type && this.rrClass == other.rrClass && this.name.equals(other.name)
				&& Arrays.equals(this.rdata, other.rdata);
	}

	/** The PTR target; only for PTR records. */
	DnsName ptrTarget() {
		return canonicalName(0);
	}

	/** The SRV port; only for SRV records. */
	int srvPort() {
		return ((this.rdata[4] & 0xFF) << 8) | (this.rdata[5] & 0xFF);
	}

	/** The SRV target host; only for SRV records. */
	DnsName srvTarget() {
		return canonicalName(6);
	}

	/** The character strings of a TXT record. */
	List<byte[]> txtStrings() {
		List<byte[]> strings = new ArrayList<>();
		int at = 0;
		while (at < this.rdata.length) {
			int length = this.rdata[at] & 0xFF;
			int end = Math.min(this.rdata.length, at + 1 + length);
			strings.add(Arrays.copyOfRange(this.rdata, at + 1, end));
			at = end;
		}
		return strings;
	}

	/** The address of an A or AAAA record. */
	InetAddress address() {
		try {
			return InetAddress.getByAddress(this.rdata);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("not an address record: " + this, ex);
		}
	}

	private DnsName canonicalName(int offset) {
		ByteBuf buffer = Unpooled.wrappedBuffer(this.rdata);
		try {
			buffer.readerIndex(offset);
			return MdnsCodec.readName(buffer, 0);
		}
		catch (MdnsFormatException ex) {
			throw new IllegalStateException("record data holds no name: " + this, ex);
		}
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof MdnsRecord record && sameRecord(record) && record.ttl == this.ttl
				&& record.cacheFlush == this.cacheFlush;
	}

	@Override
	public int hashCode() {
		return this.name.hashCode() * 31 + this.type * 7 + Arrays.hashCode(this.rdata);
	}

	@Override
	public String toString() {
		String type = DnsRecordType.valueOf(this.type).name();
		return this.name + " " + type + (this.cacheFlush ? " flush" : "") + " ttl=" + this.ttl + " " + describeData();
	}

	private String describeData() {
		if (this.type == PTR) {
			return ptrTarget().toString();
		}
		if (this.type == SRV) {
			return srvPort() + " " + srvTarget();
		}
		if (this.type == A || this.type == AAAA) {
			return address().getHostAddress();
		}
		if (this.type == TXT) {
			List<String> strings = new ArrayList<>();
			txtStrings().forEach((bytes) -> strings.add(new String(bytes, StandardCharsets.UTF_8)));
			return strings.toString();
		}
		return this.rdata.length + " bytes";
	}

}
