package io.librats.stun;

import java.util.Arrays;

/**
 * A TURN ChannelData message (RFC 8656 section 12.4): a 2-byte channel number in 0x4000..0x4FFF, a 2-byte length
 * and the data. Over TCP it is padded to a multiple of four bytes (the padding is not counted in the length); over UDP
 * padding is optional and ignored.
 *
 * @param channel the channel number
 * @param data the application data
 */
public record ChannelData(int channel, byte[] data) {

	public static final int MIN_CHANNEL = 0x4000;

	public static final int MAX_CHANNEL = 0x4FFF;

	public ChannelData {
		if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
			throw new IllegalArgumentException("channel number " + channel + " outside 0x4000..0x4FFF");
		}
		if (data.length > 0xFFFF) {
			throw new IllegalArgumentException("channel data of " + data.length + " bytes");
		}
	}

	/** Whether the first byte starts a ChannelData message (top bits 01) rather than STUN (00). */
	public static boolean isChannelData(int firstByte) {
		return (firstByte & 0xC0) == 0x40;
	}

	/** The bytes on the wire, padded to four bytes when {@code padded} (TCP). */
	public byte[] encode(boolean padded) {
		int length = 4 + this.data.length;
		byte[] out = new byte[padded ? (length + 3) & ~3 : length];
		StunMessage.writeShort(out, 0, this.channel);
		StunMessage.writeShort(out, 2, this.data.length);
		System.arraycopy(this.data, 0, out, 4, this.data.length);
		return out;
	}

	/**
	 * Decodes one ChannelData message from exactly {@code length} bytes; trailing bytes beyond the data may only be
	 * padding (at most three).
	 */
	public static ChannelData decode(byte[] bytes, int offset, int length) throws StunException {
		if (length < 4) {
			throw new StunException("truncated ChannelData header");
		}
		int channel = StunMessage.readShort(bytes, offset);
		int dataLength = StunMessage.readShort(bytes, offset + 2);
		if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
			throw new StunException("ChannelData channel number 0x" + Integer.toHexString(channel)
					+ " outside 0x4000..0x4FFF");
		}
		if (dataLength > length - 4) {
			throw new StunException("ChannelData length " + dataLength + " exceeds the " + (length - 4)
					+ " bytes received");
		}
		if (length - 4 - dataLength > 3) {
			throw new StunException("ChannelData followed by " + (length - 4 - dataLength) + " extra bytes");
		}
		return new ChannelData(channel, Arrays.copyOfRange(bytes, offset + 4, offset + 4 + dataLength));
	}

	/** Length of the frame on a TCP stream starting with this 4-byte header: header, data and padding. */
	static int tcpFrameLength(int dataLength) {
		return (4 + dataLength + 3) & ~3;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ChannelData that && this.channel == that.channel && Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return 31 * this.channel + Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "ChannelData[0x" + Integer.toHexString(this.channel) + ", " + this.data.length + " bytes]";
	}

}
