package io.librats.transport;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The 8 bytes each side sends first, in the clear: magic {@code "RATS"}, protocol version, security mode and two
 * reserved zero bytes. It lets both sides name a mismatch (not rats, other version, encryption on one side only)
 * before any cryptography runs.
 */
final class Preamble {

	static final int LENGTH = 8;

	static final int VERSION = 1;

	static final int MODE_PLAINTEXT = 0x00;

	static final int MODE_NOISE_XX = 0x01;

	private static final byte[] MAGIC = "RATS".getBytes(StandardCharsets.US_ASCII);

	private Preamble() {
	}

	static ByteBuf encode(ByteBufAllocator alloc, boolean encrypted) {
		return alloc.buffer(LENGTH).writeBytes(MAGIC).writeByte(VERSION)
				.writeByte(encrypted ? MODE_NOISE_XX : MODE_PLAINTEXT).writeShort(0);
	}

	/** The Noise prologue: binds the protocol version and the application protocol id into the handshake hash. */
	static byte[] prologue(String protocolId) {
		byte[] id = protocolId.getBytes(StandardCharsets.UTF_8);
		byte[] prologue = new byte[MAGIC.length + 1 + id.length];
		System.arraycopy(MAGIC, 0, prologue, 0, MAGIC.length);
		prologue[MAGIC.length] = VERSION;
		System.arraycopy(id, 0, prologue, MAGIC.length + 1, id.length);
		return prologue;
	}

	/** Reads a peer's preamble and returns its security mode, or fails with a message for the operator. */
	static int decode(ByteBuf in, boolean encrypted) {
		for (int i = 0; i < MAGIC.length; i++) {
			if (in.readByte() != MAGIC[i]) {
				throw new ProtocolException("not a rats peer: bad preamble magic");
			}
		}
		int version = in.readUnsignedByte();
		int mode = in.readUnsignedByte();
		in.skipBytes(2);
		if (version != VERSION) {
			throw new IncompatiblePeerException("peer speaks rats protocol version " + version + ", we speak " + VERSION);
		}
		if (mode != MODE_PLAINTEXT && mode != MODE_NOISE_XX) {
			throw new ProtocolException("unknown security mode " + mode);
		}
		if (encrypted && mode == MODE_PLAINTEXT) {
			throw new IncompatiblePeerException("peer has encryption disabled; this node requires encryption");
		}
		if (!encrypted && mode == MODE_NOISE_XX) {
			throw new IncompatiblePeerException("peer requires encryption; this node has encryption disabled");
		}
		return mode;
	}

}
