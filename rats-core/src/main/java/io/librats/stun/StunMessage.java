package io.librats.stun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One STUN message (RFC 8489 section 5): method, class, transaction id and attributes. {@link #decode} is strict
 * (header bits, magic cookie, lengths, padding, attribute order, FINGERPRINT) and fails with a
 * {@link StunException} on anything else; typed getters validate the attribute they read. Messages are built with
 * {@link #builder}, which adds MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT when asked.
 */
public final class StunMessage {

	/** The fixed magic cookie that tells RFC 5389+ STUN from RFC 3489 and from other protocols. */
	public static final int MAGIC_COOKIE = 0x2112A442;

	public static final int HEADER_LENGTH = 20;

	/** The largest message accepted: a UDP payload can hold no more. */
	public static final int MAX_LENGTH = 65_535;

	private static final int FINGERPRINT_XOR = 0x5354554e;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final int method;

	private final StunClass messageClass;

	private final byte[] transactionId;

	private final List<StunAttribute> attributes;

	/** The bytes as received or encoded. */
	private final byte[] raw;

	/** Offset of the MESSAGE-INTEGRITY / -SHA256 attribute headers in {@link #raw}, or -1. */
	private final int integrityOffset;

	private final int integrity256Offset;

	private StunMessage(int method, StunClass messageClass, byte[] transactionId, List<StunAttribute> attributes,
			byte[] raw, int integrityOffset, int integrity256Offset) {
		this.method = method;
		this.messageClass = messageClass;
		this.transactionId = transactionId;
		this.attributes = attributes;
		this.raw = raw;
		this.integrityOffset = integrityOffset;
		this.integrity256Offset = integrity256Offset;
	}

	// --- decoding -----------------------------------------------------------------------------------------------

	/** Whether the bytes look like STUN at all: top bits 00, a length multiple of 4 and the magic cookie. */
	public static boolean looksLikeStun(byte[] data, int offset, int length) {
		return length >= HEADER_LENGTH && (data[offset] & 0xC0) == 0 && (data[offset + 3] & 0x03) == 0
				&& readInt(data, offset + 4) == MAGIC_COOKIE;
	}

	/** Decodes one complete message; the array is copied. */
	public static StunMessage decode(byte[] data) throws StunException {
		return decode(data, 0, data.length);
	}

	/** Decodes exactly {@code length} bytes at {@code offset} as one message. */
	public static StunMessage decode(byte[] data, int offset, int length) throws StunException {
		if (length < HEADER_LENGTH) {
			throw new StunException("truncated STUN header: " + length + " bytes");
		}
		byte[] raw = Arrays.copyOfRange(data, offset, offset + length);
		int type = readShort(raw, 0);
		if ((type & 0xC000) != 0) {
			throw new StunException("not a STUN message: first two bits are not zero");
		}
		int bodyLength = readShort(raw, 2);
		if ((bodyLength & 3) != 0) {
			throw new StunException("STUN length " + bodyLength + " is not a multiple of 4");
		}
		if (HEADER_LENGTH + bodyLength != length) {
			throw new StunException("STUN length " + bodyLength + " does not match the " + (length - HEADER_LENGTH)
					+ " bytes after the header");
		}
		if (readInt(raw, 4) != MAGIC_COOKIE) {
			throw new StunException("no STUN magic cookie (RFC 3489 servers are not supported)");
		}
		int method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
		StunClass messageClass = StunClass.of(((type >> 4) & 1) | ((type >> 7) & 2));
		byte[] transactionId = Arrays.copyOfRange(raw, 8, 20);
		List<StunAttribute> attributes = new ArrayList<>();
		int integrity = -1;
		int integrity256 = -1;
		boolean fingerprint = false;
		int position = HEADER_LENGTH;
		while (position < length) {
			if (fingerprint) {
				throw new StunException("attribute after FINGERPRINT");
			}
			if (length - position < 4) {
				throw new StunException("truncated attribute header at offset " + position);
			}
			int attributeType = readShort(raw, position);
			int valueLength = readShort(raw, position + 2);
			int padded = (valueLength + 3) & ~3;
			if (padded > length - position - 4) {
				throw new StunException(String.format("attribute 0x%04x of %d bytes overruns the message",
						attributeType, valueLength));
			}
			byte[] value = Arrays.copyOfRange(raw, position + 4, position + 4 + valueLength);
			if (attributeType == StunAttribute.FINGERPRINT) {
				checkFingerprint(raw, position, value);
				fingerprint = true;
				attributes.add(new StunAttribute(attributeType, value));
			}
			else if (attributeType == StunAttribute.MESSAGE_INTEGRITY_SHA256 && integrity256 < 0) {
				if (valueLength < 16 || valueLength > 32 || (valueLength & 3) != 0) {
					throw new StunException("MESSAGE-INTEGRITY-SHA256 of " + valueLength + " bytes");
				}
				integrity256 = position;
				attributes.add(new StunAttribute(attributeType, value));
			}
			else if (integrity >= 0 || integrity256 >= 0) {
				// RFC 8489 section 14.5: everything after MESSAGE-INTEGRITY but these two is ignored.
			}
			else if (attributeType == StunAttribute.MESSAGE_INTEGRITY) {
				if (valueLength != 20) {
					throw new StunException("MESSAGE-INTEGRITY of " + valueLength + " bytes");
				}
				integrity = position;
				attributes.add(new StunAttribute(attributeType, value));
			}
			else {
				attributes.add(new StunAttribute(attributeType, value));
			}
			position += 4 + padded;
		}
		return new StunMessage(method, messageClass, transactionId, List.copyOf(attributes), raw, integrity,
				integrity256);
	}

	private static void checkFingerprint(byte[] raw, int position, byte[] value) throws StunException {
		if (value.length != 4) {
			throw new StunException("FINGERPRINT of " + value.length + " bytes");
		}
		CRC32 crc = new CRC32();
		crc.update(raw, 0, position);
		if ((int) crc.getValue() != (readInt(value, 0) ^ FINGERPRINT_XOR)) {
			throw new StunException("wrong FINGERPRINT");
		}
	}

	// --- accessors ----------------------------------------------------------------------------------------------

	public int method() {
		return this.method;
	}

	public StunClass messageClass() {
		return this.messageClass;
	}

	public boolean is(int method, StunClass messageClass) {
		return this.method == method && this.messageClass == messageClass;
	}

	/** A copy of the 12-byte transaction id. */
	public byte[] transactionId() {
		return this.transactionId.clone();
	}

	/** The transaction id as a map key. */
	public TransactionId transactionKey() {
		return new TransactionId(this.transactionId);
	}

	public List<StunAttribute> attributes() {
		return this.attributes;
	}

	/** The encoded message; a copy. */
	public byte[] toBytes() {
		return this.raw.clone();
	}

	/** Encoded length in bytes. */
	public int length() {
		return this.raw.length;
	}

	public boolean has(int type) {
		return attribute(type).isPresent();
	}

	/** The first attribute of {@code type}. */
	public Optional<byte[]> attribute(int type) {
		for (StunAttribute attribute : this.attributes) {
			if (attribute.type() == type) {
				return Optional.of(attribute.value());
			}
		}
		return Optional.empty();
	}

	/**
	 * Comprehension-required attribute types in this message that rats does not know. A request with any must be
	 * answered with 420; a response with any must be discarded (RFC 8489 section 6.3.3 and 7.3.1).
	 */
	public List<Integer> unknownRequiredAttributes() {
		List<Integer> unknown = new ArrayList<>();
		for (StunAttribute attribute : this.attributes) {
			if (StunAttribute.isComprehensionRequired(attribute.type())
					&& !StunAttribute.KNOWN_REQUIRED.contains(attribute.type())) {
				unknown.add(attribute.type());
			}
		}
		return unknown;
	}

	/** Fails when {@link #unknownRequiredAttributes()} is not empty. */
	public StunMessage requireKnownAttributes() throws StunException {
		List<Integer> unknown = unknownRequiredAttributes();
		if (!unknown.isEmpty()) {
			throw new StunException("unknown comprehension-required attribute(s) "
					+ unknown.stream().map((type) -> String.format("0x%04x", type)).toList());
		}
		return this;
	}

	/** A UTF-8 attribute such as USERNAME, REALM, NONCE, SOFTWARE. */
	public Optional<String> string(int type) {
		return attribute(type).map((value) -> new String(value, StandardCharsets.UTF_8));
	}

	/** A 32-bit attribute such as LIFETIME or CONNECTION-ID. */
	public Optional<Long> u32(int type) throws StunException {
		Optional<byte[]> value = attribute(type);
		if (value.isEmpty()) {
			return Optional.empty();
		}
		if (value.get().length != 4) {
			throw new StunException(String.format("attribute 0x%04x must be 4 bytes, is %d", type,
					value.get().length));
		}
		return Optional.of(readInt(value.get(), 0) & 0xFFFFFFFFL);
	}

	/** An XOR-encoded address attribute (XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS). */
	public Optional<InetSocketAddress> xorAddress(int type) throws StunException {
		Optional<byte[]> value = attribute(type);
		return value.isEmpty() ? Optional.empty() : Optional.of(decodeAddress(value.get(), true));
	}

	/** A plain address attribute (MAPPED-ADDRESS, OTHER-ADDRESS, RESPONSE-ORIGIN, ALTERNATE-SERVER). */
	public Optional<InetSocketAddress> address(int type) throws StunException {
		Optional<byte[]> value = attribute(type);
		return value.isEmpty() ? Optional.empty() : Optional.of(decodeAddress(value.get(), false));
	}

	/** Our reflexive address: XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an RFC 3489-era server. */
	public Optional<InetSocketAddress> mappedAddress() throws StunException {
		Optional<InetSocketAddress> xor = xorAddress(StunAttribute.XOR_MAPPED_ADDRESS);
		return xor.isPresent() ? xor : address(StunAttribute.MAPPED_ADDRESS);
	}

	/** ERROR-CODE as an exception to throw, if present. */
	public Optional<StunErrorResponseException> error() throws StunException {
		Optional<byte[]> value = attribute(StunAttribute.ERROR_CODE);
		if (value.isEmpty()) {
			return Optional.empty();
		}
		byte[] v = value.get();
		if (v.length < 4) {
			throw new StunException("ERROR-CODE of " + v.length + " bytes");
		}
		int errorClass = v[2] & 0x07;
		int number = v[3] & 0xFF;
		if (errorClass < 3 || errorClass > 6 || number > 99) {
			throw new StunException("ERROR-CODE class " + errorClass + " number " + number);
		}
		String reason = new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
		return Optional.of(new StunErrorResponseException(errorClass * 100 + number, reason));
	}

	/** UNKNOWN-ATTRIBUTES of a 420 response. */
	public List<Integer> unknownAttributesListed() throws StunException {
		Optional<byte[]> value = attribute(StunAttribute.UNKNOWN_ATTRIBUTES);
		if (value.isEmpty()) {
			return List.of();
		}
		byte[] v = value.get();
		if ((v.length & 1) != 0) {
			throw new StunException("UNKNOWN-ATTRIBUTES of odd length " + v.length);
		}
		List<Integer> types = new ArrayList<>();
		for (int i = 0; i < v.length; i += 2) {
			types.add(readShort(v, i));
		}
		return types;
	}

	private InetSocketAddress decodeAddress(byte[] value, boolean xor) throws StunException {
		if (value.length < 4) {
			throw new StunException("address attribute of " + value.length + " bytes");
		}
		int family = value[1] & 0xFF;
		int addressLength = switch (family) {
			case 0x01 -> 4;
			case 0x02 -> 16;
			default -> throw new StunException("unknown address family " + family);
		};
		if (value.length != 4 + addressLength) {
			throw new StunException("address attribute of family " + family + " has " + value.length + " bytes");
		}
		int port = readShort(value, 2);
		byte[] address = Arrays.copyOfRange(value, 4, 4 + addressLength);
		if (xor) {
			port ^= MAGIC_COOKIE >>> 16;
			byte[] mask = xorMask();
			for (int i = 0; i < address.length; i++) {
				address[i] ^= mask[i];
			}
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(address), port);
		}
		catch (UnknownHostException ex) {
			throw new StunException("bad address: " + ex.getMessage(), ex);
		}
	}

	private byte[] xorMask() {
		byte[] mask = new byte[16];
		writeInt(mask, 0, MAGIC_COOKIE);
		System.arraycopy(this.transactionId, 0, mask, 4, 12);
		return mask;
	}

	// --- integrity ----------------------------------------------------------------------------------------------

	/** Whether the message carries MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256. */
	public boolean hasIntegrity() {
		return this.integrityOffset >= 0 || this.integrity256Offset >= 0;
	}

	/**
	 * Checks MESSAGE-INTEGRITY-SHA256 if present, else MESSAGE-INTEGRITY, with {@code key} (see
	 * {@link StunCredentials}). Fails when neither is present or the HMAC differs.
	 */
	public void verifyIntegrity(byte[] key) throws StunException {
		if (this.integrity256Offset >= 0) {
			byte[] expected = attribute(StunAttribute.MESSAGE_INTEGRITY_SHA256).orElseThrow();
			byte[] actual = hmac("HmacSHA256", key, this.raw, this.integrity256Offset, 4 + expected.length);
			if (!MessageDigest.isEqual(Arrays.copyOf(actual, expected.length), expected)) {
				throw new StunException("MESSAGE-INTEGRITY-SHA256 check failed");
			}
			return;
		}
		if (this.integrityOffset < 0) {
			throw new StunException("no MESSAGE-INTEGRITY");
		}
		byte[] expected = attribute(StunAttribute.MESSAGE_INTEGRITY).orElseThrow();
		if (!MessageDigest.isEqual(hmac("HmacSHA1", key, this.raw, this.integrityOffset, 24), expected)) {
			throw new StunException("MESSAGE-INTEGRITY check failed");
		}
	}

	/**
	 * HMAC over {@code raw[0..offset)} with the header length field set as if the message ended after an attribute
	 * of {@code attributeLength} bytes at {@code offset} (RFC 8489 section 14.5).
	 */
	private static byte[] hmac(String algorithm, byte[] key, byte[] raw, int offset, int attributeLength) {
		try {
			Mac mac = Mac.getInstance(algorithm);
			mac.init(new SecretKeySpec(key, algorithm));
			byte[] header = Arrays.copyOf(raw, HEADER_LENGTH);
			writeShort(header, 2, offset + attributeLength - HEADER_LENGTH);
			mac.update(header);
			mac.update(raw, HEADER_LENGTH, offset - HEADER_LENGTH);
			return mac.doFinal();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(algorithm + " is not available", ex);
		}
	}

	// --- building -----------------------------------------------------------------------------------------------

	/** A new message with a fresh random transaction id. */
	public static Builder builder(int method, StunClass messageClass) {
		byte[] id = new byte[12];
		RANDOM.nextBytes(id);
		return new Builder(method, messageClass, id);
	}

	/** A new message with the given transaction id (a response to a request, or a test vector). */
	public static Builder builder(int method, StunClass messageClass, byte[] transactionId) {
		if (transactionId.length != 12) {
			throw new IllegalArgumentException("transaction id must be 12 bytes");
		}
		return new Builder(method, messageClass, transactionId.clone());
	}

	@Override
	public String toString() {
		return "StunMessage[" + StunMethod.name(this.method) + " " + this.messageClass + " "
				+ HexFormat.of().formatHex(this.transactionId) + ", " + this.attributes.size() + " attributes]";
	}

	/** Builds and encodes a message. */
	public static final class Builder {

		private final int method;

		private final StunClass messageClass;

		private final byte[] transactionId;

		private final List<StunAttribute> attributes = new ArrayList<>();

		private byte[] integrityKey;

		private boolean sha256;

		private boolean fingerprint;

		private byte padding;

		private Builder(int method, StunClass messageClass, byte[] transactionId) {
			if (method < 0 || method > 0xFFF) {
				throw new IllegalArgumentException("method " + method + " outside 0..0xFFF");
			}
			this.method = method;
			this.messageClass = messageClass;
			this.transactionId = transactionId;
		}

		public byte[] transactionId() {
			return this.transactionId.clone();
		}

		public Builder add(int type, byte[] value) {
			if (value.length > 0xFFFF) {
				throw new IllegalArgumentException("attribute value of " + value.length + " bytes");
			}
			this.attributes.add(new StunAttribute(type, value.clone()));
			return this;
		}

		public Builder string(int type, String value) {
			return add(type, value.getBytes(StandardCharsets.UTF_8));
		}

		public Builder u32(int type, long value) {
			byte[] bytes = new byte[4];
			writeInt(bytes, 0, (int) value);
			return add(type, bytes);
		}

		public Builder xorAddress(int type, InetSocketAddress address) {
			return add(type, encodeAddress(address, true));
		}

		public Builder address(int type, InetSocketAddress address) {
			return add(type, encodeAddress(address, false));
		}

		/** ERROR-CODE with a reason phrase. */
		public Builder error(int code, String reason) {
			byte[] text = reason.getBytes(StandardCharsets.UTF_8);
			byte[] value = new byte[4 + text.length];
			value[2] = (byte) (code / 100);
			value[3] = (byte) (code % 100);
			System.arraycopy(text, 0, value, 4, text.length);
			return add(StunAttribute.ERROR_CODE, value);
		}

		/** REQUESTED-TRANSPORT (RFC 8656): 17 for UDP, 6 for TCP (RFC 6062). */
		public Builder requestedTransport(int protocol) {
			return add(StunAttribute.REQUESTED_TRANSPORT, new byte[] { (byte) protocol, 0, 0, 0 });
		}

		/** CHANGE-REQUEST (RFC 5780): ask the server to answer from its other IP and/or port. */
		public Builder changeRequest(boolean changeIp, boolean changePort) {
			return u32(StunAttribute.CHANGE_REQUEST, (changeIp ? 4 : 0) | (changePort ? 2 : 0));
		}

		/** CHANNEL-NUMBER: the number and 16 reserved bits. */
		public Builder channelNumber(int channel) {
			return u32(StunAttribute.CHANNEL_NUMBER, ((long) channel) << 16);
		}

		/** Appends MESSAGE-INTEGRITY (HMAC-SHA1) computed with {@code key} when encoding. */
		public Builder integrity(byte[] key) {
			this.integrityKey = key.clone();
			this.sha256 = false;
			return this;
		}

		/** Appends MESSAGE-INTEGRITY-SHA256 instead of MESSAGE-INTEGRITY. */
		public Builder integritySha256(byte[] key) {
			this.integrityKey = key.clone();
			this.sha256 = true;
			return this;
		}

		/** Appends FINGERPRINT when encoding. */
		public Builder fingerprint() {
			this.fingerprint = true;
			return this;
		}

		/** The byte used to pad attribute values (0 by default; RFC 5769's vectors use 0x20). */
		Builder padding(byte value) {
			this.padding = value;
			return this;
		}

		private byte[] encodeAddress(InetSocketAddress address, boolean xor) {
			InetAddress ip = address.getAddress();
			if (ip == null) {
				throw new IllegalArgumentException("unresolved address " + address);
			}
			byte[] bytes = ip.getAddress();
			byte[] value = new byte[4 + bytes.length];
			value[1] = (byte) ((ip instanceof Inet4Address) ? 0x01 : 0x02);
			int port = address.getPort();
			if (xor) {
				port ^= MAGIC_COOKIE >>> 16;
				byte[] mask = new byte[16];
				writeInt(mask, 0, MAGIC_COOKIE);
				System.arraycopy(this.transactionId, 0, mask, 4, 12);
				for (int i = 0; i < bytes.length; i++) {
					bytes[i] ^= mask[i];
				}
			}
			writeShort(value, 2, port);
			System.arraycopy(bytes, 0, value, 4, bytes.length);
			assert ip instanceof Inet4Address || ip instanceof Inet6Address;
			return value;
		}

		/** Encodes the message, adding integrity and fingerprint as configured. */
		public StunMessage build() {
			int bodyLength = 0;
			for (StunAttribute attribute : this.attributes) {
				bodyLength += 4 + ((attribute.value().length + 3) & ~3);
			}
			int integrityLength = (this.integrityKey == null) ? 0 : (this.sha256 ? 36 : 24);
			int total = HEADER_LENGTH + bodyLength + integrityLength + (this.fingerprint ? 8 : 0);
			if (total > MAX_LENGTH) {
				throw new IllegalArgumentException("STUN message of " + total + " bytes is too large");
			}
			byte[] raw = new byte[total];
			int type = (this.method & 0x000F) | ((this.method & 0x0070) << 1) | ((this.method & 0x0F80) << 2)
					| ((this.messageClass.bits() & 1) << 4) | ((this.messageClass.bits() & 2) << 7);
			writeShort(raw, 0, type);
			writeShort(raw, 2, total - HEADER_LENGTH);
			writeInt(raw, 4, MAGIC_COOKIE);
			System.arraycopy(this.transactionId, 0, raw, 8, 12);
			int position = HEADER_LENGTH;
			for (StunAttribute attribute : this.attributes) {
				position = put(raw, position, attribute.type(), attribute.value());
			}
			int integrity = -1;
			int integrity256 = -1;
			List<StunAttribute> all = new ArrayList<>(this.attributes);
			if (this.integrityKey != null) {
				String algorithm = this.sha256 ? "HmacSHA256" : "HmacSHA1";
				byte[] mac = hmac(algorithm, this.integrityKey, raw, position, integrityLength);
				int attributeType = this.sha256 ? StunAttribute.MESSAGE_INTEGRITY_SHA256 : StunAttribute.MESSAGE_INTEGRITY;
				if (this.sha256) {
					integrity256 = position;
				}
				else {
					integrity = position;
				}
				position = put(raw, position, attributeType, mac);
				all.add(new StunAttribute(attributeType, mac));
			}
			if (this.fingerprint) {
				CRC32 crc = new CRC32();
				crc.update(raw, 0, position);
				byte[] value = new byte[4];
				writeInt(value, 0, (int) crc.getValue() ^ FINGERPRINT_XOR);
				put(raw, position, StunAttribute.FINGERPRINT, value);
				all.add(new StunAttribute(StunAttribute.FINGERPRINT, value));
			}
			return new StunMessage(this.method, this.messageClass, this.transactionId.clone(), List.copyOf(all), raw,
					integrity, integrity256);
		}

		private int put(byte[] raw, int position, int type, byte[] value) {
			writeShort(raw, position, type);
			writeShort(raw, position + 2, value.length);
			System.arraycopy(value, 0, raw, position + 4, value.length);
			int padded = (value.length + 3) & ~3;
			Arrays.fill(raw, position + 4 + value.length, position + 4 + padded, this.padding);
			return position + 4 + padded;
		}

	}

	// --- bytes --------------------------------------------------------------------------------------------------

	static int readShort(byte[] data, int offset) {
		return ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
	}

	static int readInt(byte[] data, int offset) {
		return (readShort(data, offset) << 16) | readShort(data, offset + 2);
	}

	static void writeShort(byte[] data, int offset, int value) {
		data[offset] = (byte) (value >>> 8);
		data[offset + 1] = (byte) value;
	}

	static void writeInt(byte[] data, int offset, int value) {
		writeShort(data, offset, value >>> 16);
		writeShort(data, offset + 2, value);
	}

}
