package io.librats.transport;

import java.nio.charset.StandardCharsets;

import io.librats.identity.PeerIds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The rats handshake message, the first frame each side sends once the session is secured.
 *
 * @param version highest rats protocol version the sender speaks
 * @param protocolId application protocol id
 * @param peerId sender's peer id; checked against the Noise static key when encrypted
 * @param listenPort sender's listen port, 0 when it does not accept connections
 * @param capabilities capability bits
 * @param nonce random per-connection number that breaks ties between duplicate connections
 */
record Hello(int version, String protocolId, String peerId, int listenPort, long capabilities, long nonce) {

	static final int VERSION = 1;

	ByteBuf encode(ByteBufAllocator alloc) {
		byte[] protocol = this.protocolId.getBytes(StandardCharsets.UTF_8);
		byte[] id = this.peerId.getBytes(StandardCharsets.US_ASCII);
		ByteBuf frame = FrameEncoder.start(alloc, FrameType.HELLO, 2 + 1 + protocol.length + 1 + id.length + 2 + 16);
		frame.writeShort(this.version);
		frame.writeByte(protocol.length).writeBytes(protocol);
		frame.writeByte(id.length).writeBytes(id);
		frame.writeShort(this.listenPort);
		frame.writeLong(this.capabilities);
		frame.writeLong(this.nonce);
		return FrameEncoder.finish(frame);
	}

	/** Parses a HELLO body; bytes after the known fields are ignored so later versions can append. */
	static Hello decode(ByteBuf body) {
		try {
			int version = body.readUnsignedShort();
			int protocolLength = body.readUnsignedByte();
			if (body.readableBytes() < protocolLength) {
				throw new ProtocolException("truncated HELLO");
			}
			String protocolId = StrictUtf8.read(body, protocolLength, "HELLO protocol id");
			String peerId = body.readCharSequence(body.readUnsignedByte(), StandardCharsets.US_ASCII).toString();
			int listenPort = body.readUnsignedShort();
			long capabilities = body.readLong();
			long nonce = body.readLong();
			if (version < 1) {
				throw new ProtocolException("HELLO with version 0");
			}
			if (!PeerIds.isWellFormed(peerId)) {
				throw new ProtocolException("HELLO with malformed peer id");
			}
			return new Hello(version, protocolId, peerId, listenPort, capabilities, nonce);
		}
		catch (IndexOutOfBoundsException ex) {
			throw new ProtocolException("truncated HELLO");
		}
	}

}
