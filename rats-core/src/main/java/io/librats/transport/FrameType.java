package io.librats.transport;

/**
 * Frame types of rats protocol version 1 (see {@code docs/protocol.md}). Types 0x40..0xFF belong to extensions and
 * subsystems: a peer that does not know one drops that frame. Every other unassigned type is a protocol error.
 */
public final class FrameType {

	public static final byte HELLO = 0x01;
	public static final byte PING = 0x02;
	public static final byte PONG = 0x03;
	public static final byte GOODBYE = 0x04;
	public static final byte MESSAGE = 0x10;
	public static final byte BINARY = 0x11;

	/** First type of the range reserved for subsystems and extensions. */
	public static final int FIRST_EXTENSION = 0x40;

	private FrameType() {
	}

	static boolean isKnownCore(byte type) {
		return type == HELLO || type == PING || type == PONG || type == GOODBYE || type == MESSAGE || type == BINARY;
	}

	static boolean isExtension(byte type) {
		return (type & 0xFF) >= FIRST_EXTENSION;
	}

	static String name(byte type) {
		return switch (type) {
			case HELLO -> "HELLO";
			case PING -> "PING";
			case PONG -> "PONG";
			case GOODBYE -> "GOODBYE";
			case MESSAGE -> "MESSAGE";
			case BINARY -> "BINARY";
			default -> String.format("0x%02x", type & 0xFF);
		};
	}

}
