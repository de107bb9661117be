package io.librats.transport;

import java.nio.charset.StandardCharsets;

import io.librats.noise.NoiseCipher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The 8 bytes each side sends first, in the clear: magic {@code "RATS"}, protocol version, security mode, a flags
 * byte and a reserved zero byte. It lets both sides name a mismatch (not rats, other version, encryption on one side
 * only) before any cryptography runs, and offer AES-GCM: a Noise session uses it when both preambles set
 * {@link #FLAG_AES_GCM}, ChaCha20-Poly1305 otherwise. Peers that predate the flag send zero and ignore it, so they
 * keep ChaCha20-Poly1305.
 */
final class Preamble {

	static final int LENGTH = 8;

	static final int VERSION = 1;

	static final int MODE_PLAINTEXT = 0x00;

	static final int MODE_NOISE_XX = 0x01;

	/** Flags bit: the sender offers {@link NoiseCipher#AES_GCM}; only meaningful with {@link #MODE_NOISE_XX}. */
	static final int FLAG_AES_GCM = 0x01;

	private static final byte[] MAGIC = "RATS".getBytes(StandardCharsets.US_ASCII);

	private Preamble() {
	}

	static ByteBuf encode(ByteBufAllocator alloc, boolean encrypted, boolean offerAesGcm) {
		return alloc.buffer(LENGTH).writeBytes(MAGIC).writeByte(VERSION)
				.writeByte(encrypted ? MODE_NOISE_XX : MODE_PLAINTEXT)
				.writeByte((encrypted && offerAesGcm) ? FLAG_AES_GCM : 0).writeByte(0);
	}

	/** The cipher of a Noise session: AES-GCM when both sides offer it. */
	static NoiseCipher cipher(boolean weOfferAesGcm, int peerFlags) {
		return (weOfferAesGcm && (peerFlags & FLAG_AES_GCM) != 0) ? NoiseCipher.AES_GCM : NoiseCipher.CHACHA_POLY;
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

	/**
	 * Reads a peer's preamble and returns its flags byte (bits this version does not know included: a receiver
	 * ignores them), or fails with a message for the operator.
	 */
	static int decode(ByteBuf in, boolean encrypted) {
		for (int i = 0; i < MAGIC.length; i++) {
			if (in.readByte() != MAGIC[i]) {
				throw new ProtocolException("not a rats peer: bad preamble magic");
			}
		}
		int version = in.readUnsignedByte();
		int mode = in.readUnsignedByte();
		int flags = in.readUnsignedByte();
		in.skipBytes(1);
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
		return flags;
	}

}
