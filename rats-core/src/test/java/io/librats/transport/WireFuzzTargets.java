package io.librats.transport;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Public doors into the package-private wire codecs, for the fuzz tests in {@code io.librats.fuzz}. Test code only.
 */
public final class WireFuzzTargets {

	/** What a successfully decoded HELLO said. */
	public record DecodedHello(int version, String protocolId, String peerId, int listenPort) {
	}

	private WireFuzzTargets() {
	}

	/** An embedded channel with only a {@link FrameDecoder}, before or after admission. */
	public static EmbeddedChannel frameDecoderChannel(int maxFrameSize, boolean admitted) {
		FrameDecoder decoder = new FrameDecoder(maxFrameSize);
		if (admitted) {
			decoder.admitted();
		}
		return new EmbeddedChannel(decoder);
	}

	/** The largest frame (type plus body) a decoder accepts before admission. */
	public static int maxHandshakeFrame() {
		return FrameDecoder.MAX_HANDSHAKE_FRAME;
	}

	public static boolean isFrame(Object msg) {
		return msg instanceof Frame;
	}

	/** The type of a decoded {@link Frame}. */
	public static byte frameType(Object frame) {
		return ((Frame) frame).type();
	}

	/** The body of a decoded {@link Frame}; released with the frame. */
	public static ByteBuf frameBody(Object frame) {
		return ((Frame) frame).content();
	}

	/** Whether a decoder may emit this type: a core type or an extension type. */
	public static boolean isAcceptableType(byte type) {
		return FrameType.isKnownCore(type) || FrameType.isExtension(type);
	}

	public static DecodedHello decodeHello(ByteBuf body) {
		Hello hello = Hello.decode(body);
		return new DecodedHello(hello.version(), hello.protocolId(), hello.peerId(), hello.listenPort());
	}

	/** A valid encoded HELLO body (without the frame header), as a mutation seed. */
	public static byte[] helloBody(String protocolId, String peerId, int listenPort, long nonce) {
		byte[] frame = RawNoiseClient.helloFrame(protocolId, peerId, listenPort, nonce);
		return Arrays.copyOfRange(frame, FrameEncoder.HEADER_LENGTH, frame.length);
	}

	/** The prologue a node with {@code protocolId} binds into its Noise handshakes. */
	public static byte[] prologue(String protocolId) {
		return Preamble.prologue(protocolId);
	}

}
