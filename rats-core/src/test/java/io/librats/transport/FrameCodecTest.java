package io.librats.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.librats.identity.NodeIdentity;
import io.librats.noise.AeadImplementation;
import io.librats.noise.EphemeralKeyPool;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseHandshakeHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The frame layer in isolation on an {@link EmbeddedChannel}: {@link FrameDecoder}, {@link FrameEncoder},
 * {@link Hello} and the {@link PreambleHandler}. Every malformed input must fail with a clear exception and leave no
 * buffer behind; every input buffer handed to the decoder is tracked and must end with a reference count of zero.
 */
class FrameCodecTest {

	private static final int MAX_FRAME = 4096;

	private static final byte[] CORE_AND_EXTENSION_TYPES = { FrameType.HELLO, FrameType.PING, FrameType.PONG,
			FrameType.GOODBYE, FrameType.MESSAGE, FrameType.BINARY, 0x40, 0x41, 0x7f, (byte) 0x80, (byte) 0xfe,
			(byte) 0xff };

	private final List<ByteBuf> inputs = new ArrayList<>();

	private EmbeddedChannel channel;

	private final EphemeralKeyPool ephemeralKeys = new EphemeralKeyPool(1, Runnable::run);

	@AfterEach
	void releaseEverything() {
		this.ephemeralKeys.close();
		if (this.channel != null) {
			catchThrowable(this.channel::finishAndReleaseAll);
		}
		for (ByteBuf input : this.inputs) {
			assertThat(input.refCnt()).as("input buffer released by the decoder").isZero();
		}
	}

	// --- FrameDecoder: well-formed streams ------------------------------------------------------------------------

	static LongStream seeds() {
		return LongStream.rangeClosed(1, 40);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void decoderReassemblesFramesAcrossArbitraryChunkBoundaries(long seed) {
		Random random = new Random(seed);
		List<byte[]> bodies = new ArrayList<>();
		List<Byte> types = new ArrayList<>();
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		int frames = 1 + random.nextInt(30);
		for (int i = 0; i < frames; i++) {
			byte type = CORE_AND_EXTENSION_TYPES[random.nextInt(CORE_AND_EXTENSION_TYPES.length)];
			int size = switch (random.nextInt(4)) {
				case 0 -> 0;
				case 1 -> random.nextInt(16);
				case 2 -> random.nextInt(MAX_FRAME + 1);
				default -> MAX_FRAME;
			};
			byte[] body = new byte[size];
			random.nextBytes(body);
			bodies.add(body);
			types.add(type);
			writeFrame(wire, size + 1, type, body);
		}
		byte[] all = wire.toByteArray();
		// Some seeds feed byte by byte, the others in random chunks that straddle headers and bodies alike.
		int maxChunk = (seed % 5 == 0) ? 1 : 1 + random.nextInt(3 * MAX_FRAME);
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		int offset = 0;
		while (offset < all.length) {
			int chunk = Math.min(all.length - offset, 1 + random.nextInt(maxChunk));
			this.channel.writeInbound(track(Unpooled.copiedBuffer(all, offset, chunk)));
			offset += chunk;
		}
		for (int i = 0; i < frames; i++) {
			Frame frame = this.channel.readInbound();
			assertThat(frame).as("frame %d of %d", i, frames).isNotNull();
			try {
				assertThat(frame.type()).isEqualTo(types.get(i));
				assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(bodies.get(i));
			}
			finally {
				frame.release();
			}
		}
		assertThat((Object) this.channel.readInbound()).isNull();
		assertThat(this.channel.finish()).isFalse();
	}

	@Test
	void bodyOfExactlyMaxFrameSizeIsAccepted() {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		byte[] body = new byte[MAX_FRAME];
		Arrays.fill(body, (byte) 7);
		this.channel.writeInbound(track(frame(MAX_FRAME + 1, FrameType.BINARY, body)));
		Frame frame = this.channel.readInbound();
		try {
			assertThat(frame.content().readableBytes()).isEqualTo(MAX_FRAME);
		}
		finally {
			frame.release();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x40, 0x41, 0x7f, 0x80, 0xc0, 0xff })
	void extensionTypesPassThrough(int type) {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		this.channel.writeInbound(track(frame(4, (byte) type, new byte[] { 1, 2, 3 })));
		Frame frame = this.channel.readInbound();
		try {
			assertThat(frame.type() & 0xff).isEqualTo(type);
			assertThat(ByteBufUtil.getBytes(frame.content())).containsExactly(1, 2, 3);
		}
		finally {
			frame.release();
		}
	}

	// --- FrameDecoder: malformed streams --------------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(ints = { MAX_FRAME + 2, MAX_FRAME + 100, Integer.MAX_VALUE, -1 /* 0xffffffff */ })
	void oversizeLengthIsRefusedAsSoonAsTheHeaderArrives(int lengthField) {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		// Only the header and a few body bytes: the decoder must refuse without waiting for (or buffering) the body.
		ByteBuf header = track(Unpooled.buffer().writeInt(lengthField).writeByte(FrameType.BINARY).writeZero(10));
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(header));
		assertThat(thrown).isInstanceOf(TooLongFrameException.class).hasMessageContaining("exceeds");
		assertThat((Object) this.channel.readInbound()).isNull();
		// What follows is discarded, not decoded as a new frame.
		catchThrowable(() -> this.channel.writeInbound(track(frame(2, FrameType.PING, new byte[] { 9 }))));
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void beforeAdmissionOnlySmallFramesAreAccepted() {
		this.channel = new EmbeddedChannel(new FrameDecoder(1 << 20));
		int tooBig = FrameDecoder.MAX_HANDSHAKE_FRAME + 1;
		Throwable thrown = catchThrowable(
				() -> this.channel.writeInbound(track(Unpooled.buffer().writeInt(tooBig).writeByte(FrameType.HELLO))));
		assertThat(root(thrown)).isInstanceOf(ProtocolException.class)
			.hasMessage("frame of " + tooBig + " bytes before the handshake completed (limit "
					+ FrameDecoder.MAX_HANDSHAKE_FRAME + ")");
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void lengthZeroIsAnEmptyFrameError() {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(Unpooled.buffer().writeInt(0))));
		assertThat(root(thrown)).isInstanceOf(ProtocolException.class).hasMessage("empty frame (length 0)");
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x00, 0x05, 0x0f, 0x12, 0x20, 0x3f })
	void unassignedTypesAreRejected(int type) {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		Throwable thrown = catchThrowable(
				() -> this.channel.writeInbound(track(frame(3, (byte) type, new byte[] { 1, 2 }))));
		assertThat(root(thrown)).isInstanceOf(ProtocolException.class)
			.hasMessage("unassigned frame type " + String.format("0x%02x", type));
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void unassignedTypeAfterAValidFrameStillDeliversTheValidOne() {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		ByteBuf both = track(Unpooled.buffer());
		both.writeBytes(frame(2, FrameType.PING, new byte[] { 1 }));
		both.writeBytes(frame(2, (byte) 0x20, new byte[] { 2 }));
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(both));
		assertThat(root(thrown)).isInstanceOf(ProtocolException.class).hasMessage("unassigned frame type 0x20");
		Frame first = this.channel.readInbound();
		try {
			assertThat(first.type()).isEqualTo(FrameType.PING);
		}
		finally {
			first.release();
		}
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 4, 5, 50, 99 })
	void truncatedFrameThenCloseEmitsNothingAndLeaksNothing(int available) {
		this.channel = new EmbeddedChannel(admittedDecoder(MAX_FRAME));
		ByteBuf whole = frame(100, FrameType.BINARY, new byte[99]);
		byte[] all = ByteBufUtil.getBytes(whole);
		whole.release();
		ByteBuf part = track(Unpooled.copiedBuffer(all, 0, available));
		this.channel.writeInbound(part);
		assertThat((Object) this.channel.readInbound()).isNull();
		// Closing runs decodeLast over the incomplete cumulation: still no frame, no exception, nothing retained.
		assertThat(this.channel.finish()).isFalse();
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	// --- FrameEncoder ---------------------------------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 100, 2048 })
	void smallBodiesAreCopiedIntoOneBuffer(int size) {
		ByteBuf body = Unpooled.buffer(size).writeBytes(pattern(size));
		ByteBuf frame = FrameEncoder.encode(ByteBufAllocator.DEFAULT, FrameType.BINARY, body);
		assertThat(body.refCnt()).as("encode takes ownership of the body").isZero();
		assertThat(frame).isNotInstanceOf(CompositeByteBuf.class);
		assertThat(frame.getInt(frame.readerIndex())).isEqualTo(size + 1);
		assertThat(frame.getByte(frame.readerIndex() + 4)).isEqualTo(FrameType.BINARY);
		assertRoundTrip(frame, FrameType.BINARY, pattern(size), 1 << 20);
	}

	@ParameterizedTest
	@ValueSource(ints = { 2049, 100_000, 4 * 1024 * 1024 })
	void largeBodiesAreAppendedAsACompositeWithoutCopy(int size) {
		ByteBuf body = Unpooled.buffer(size).writeBytes(pattern(size));
		ByteBuf frame = FrameEncoder.encode(ByteBufAllocator.DEFAULT, FrameType.MESSAGE, body);
		assertThat(frame).isInstanceOf(CompositeByteBuf.class);
		assertThat(frame.readableBytes()).isEqualTo(FrameEncoder.HEADER_LENGTH + size);
		assertThat(frame.getInt(frame.readerIndex())).isEqualTo(size + 1);
		assertRoundTrip(frame, FrameType.MESSAGE, pattern(size), size);
		assertThat(body.refCnt()).as("the composite released its component").isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 256, 100_000 })
	void copyOfFramesACopyOfTheArray(int size) {
		byte[] body = pattern(size);
		ByteBuf frame = FrameEncoder.copyOf(FrameType.BINARY, body);
		Arrays.fill(body, (byte) 0);
		assertThat(frame.readableBytes()).isEqualTo(FrameEncoder.HEADER_LENGTH + size);
		assertRoundTrip(frame, FrameType.BINARY, pattern(size), Math.max(size, MAX_FRAME));
	}

	@Test
	void startAndFinishPatchTheLength() {
		ByteBuf frame = FrameEncoder.start(ByteBufAllocator.DEFAULT, FrameType.PING, 8).writeLong(42);
		FrameEncoder.finish(frame);
		assertThat(frame.getInt(0)).isEqualTo(9);
		assertRoundTrip(frame, FrameType.PING, new byte[] { 0, 0, 0, 0, 0, 0, 0, 42 }, MAX_FRAME);
	}

	private void assertRoundTrip(ByteBuf encoded, byte type, byte[] expectedBody, int maxFrameSize) {
		this.channel = new EmbeddedChannel(admittedDecoder(maxFrameSize));
		this.channel.writeInbound(track(encoded));
		Frame frame = this.channel.readInbound();
		try {
			assertThat(frame.type()).isEqualTo(type);
			assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(expectedBody);
		}
		finally {
			frame.release();
		}
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	// --- Hello ----------------------------------------------------------------------------------------------------

	private static final String PEER_ID = NodeIdentity.generate().peerId();

	@Test
	void helloRoundTripsThroughEncoderAndDecoder() {
		Hello hello = new Hello(1, "räts-app/✓", PEER_ID, 65535, 0x8000_0000_0000_0001L, -42L);
		Hello decoded = decodeHelloFrame(hello.encode(ByteBufAllocator.DEFAULT));
		assertThat(decoded).isEqualTo(hello);
	}

	@Test
	void helloIgnoresTrailingBytesFromLaterVersions() {
		Hello hello = new Hello(7, "rats", PEER_ID, 0, 0, 1);
		ByteBuf body = helloBody(hello);
		body.writeBytes("future extension".getBytes(StandardCharsets.US_ASCII));
		try {
			assertThat(Hello.decode(body)).isEqualTo(hello);
		}
		finally {
			body.release();
		}
	}

	static IntStream helloCuts() {
		ByteBuf body = helloBody(new Hello(1, "rats", PEER_ID, 7800, 3, 4));
		int length = body.readableBytes();
		body.release();
		return IntStream.range(0, length);
	}

	@ParameterizedTest(name = "cut at {0}")
	@MethodSource("helloCuts")
	void truncatedHelloIsRejected(int cut) {
		ByteBuf body = helloBody(new Hello(1, "rats", PEER_ID, 7800, 3, 4));
		ByteBuf truncated = body.slice(0, cut);
		try {
			assertThat(catchThrowable(() -> Hello.decode(truncated))).isInstanceOf(ProtocolException.class)
				.hasMessage("truncated HELLO");
		}
		finally {
			body.release();
		}
	}

	/**
	 * A string length beyond the readable bytes must be "truncated HELLO" whatever the buffer's capacity. Netty's
	 * {@code readCharSequence} only checks the capacity, so with spare capacity behind the writer index the decoder
	 * reads stale memory as the peer id and leaves the reader index beyond the writer index.
	 */
	@Test
	void truncatedHelloIsRejectedEvenWithSpareCapacity() {
		ByteBuf body = Unpooled.buffer(512).writeShort(1).writeByte(4).writeBytes("rats".getBytes(StandardCharsets.UTF_8))
			.writeByte(PEER_ID.length()).writeBytes(PEER_ID.substring(0, 10).getBytes(StandardCharsets.US_ASCII));
		// Whatever sits behind the writer index must not be read: make it look like the rest of a valid HELLO.
		body.setBytes(body.writerIndex(), (PEER_ID.substring(10) + "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")
			.getBytes(StandardCharsets.US_ASCII));
		try {
			Throwable thrown = catchThrowable(() -> Hello.decode(body));
			assertThat(thrown)
				.as("Hello.decode read past the writer index instead of failing (readerIndex %d > writerIndex %d)",
						body.readerIndex(), body.writerIndex())
				.isInstanceOf(ProtocolException.class)
				.hasMessage("truncated HELLO");
		}
		finally {
			body.release();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "abc", "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
			"g123456789012345678901234567890123456789", "012345678901234567890123456789012345678",
			"01234567890123456789012345678901234567890", "0123456789012345678901234567890123456 89" })
	void helloWithBadPeerIdIsRejected(String peerId) {
		ByteBuf body = helloBody(new Hello(1, "rats", peerId, 1, 0, 0));
		try {
			assertThat(catchThrowable(() -> Hello.decode(body))).isInstanceOf(ProtocolException.class)
				.hasMessage("HELLO with malformed peer id");
		}
		finally {
			body.release();
		}
	}

	@Test
	void helloWithMalformedUtf8ProtocolIdIsRejected() {
		ByteBuf body = Unpooled.buffer().writeShort(1).writeByte(2).writeByte(0xc3).writeByte(0x28).writeByte(40)
			.writeBytes(PEER_ID.getBytes(StandardCharsets.US_ASCII)).writeShort(1).writeLong(0).writeLong(0);
		try {
			assertThat(catchThrowable(() -> Hello.decode(body))).isInstanceOf(ProtocolException.class)
				.hasMessageContaining("not valid UTF-8");
		}
		finally {
			body.release();
		}
	}

	@Test
	void helloWithVersionZeroIsRejected() {
		ByteBuf body = helloBody(new Hello(0, "rats", PEER_ID, 1, 0, 0));
		try {
			assertThat(catchThrowable(() -> Hello.decode(body))).isInstanceOf(ProtocolException.class)
				.hasMessage("HELLO with version 0");
		}
		finally {
			body.release();
		}
	}

	private Hello decodeHelloFrame(ByteBuf encoded) {
		// HELLO arrives before admission, under the small pre-admission frame limit.
		this.channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
		this.channel.writeInbound(track(encoded));
		Frame frame = this.channel.readInbound();
		try {
			assertThat(frame.type()).isEqualTo(FrameType.HELLO);
			Hello decoded = Hello.decode(frame.content());
			assertThat(frame.content().isReadable()).as("the whole body is consumed").isFalse();
			return decoded;
		}
		finally {
			frame.release();
		}
	}

	/** The body of an encoded HELLO: the frame without its 5-byte header. */
	private static ByteBuf helloBody(Hello hello) {
		ByteBuf frame = hello.encode(UnpooledByteBufAllocator.DEFAULT);
		try {
			return Unpooled.buffer().writeBytes(frame, frame.readerIndex() + FrameEncoder.HEADER_LENGTH,
					frame.readableBytes() - FrameEncoder.HEADER_LENGTH);
		}
		finally {
			frame.release();
		}
	}

	// --- Preamble -------------------------------------------------------------------------------------------------

	private static SessionSettings settings(boolean encryption) {
		return new SessionSettings(NodeIdentity.generate(), "rats", encryption, AeadImplementation.fastest(), false,
				MAX_FRAME, 0L);
	}

	private static ByteBuf preamble(String magic, int version, int mode) {
		return Unpooled.buffer(8).writeBytes(magic.getBytes(StandardCharsets.ISO_8859_1)).writeByte(version)
			.writeByte(mode).writeShort(0);
	}

	private EmbeddedChannel preambleChannel(boolean encryption, Direction direction, RecordingHandler recorder) {
		EmbeddedChannel ch = (recorder != null)
				? new EmbeddedChannel(new PreambleHandler(settings(encryption), direction, this.ephemeralKeys, Runnable::run), recorder)
				: new EmbeddedChannel(new PreambleHandler(settings(encryption), direction, this.ephemeralKeys, Runnable::run));
		ByteBuf sent = ch.readOutbound();
		try {
			assertThat(ByteBufUtil.getBytes(sent)).as("our preamble is sent when the channel becomes active")
				.containsExactly('R', 'A', 'T', 'S', 1, encryption ? 1 : 0, 0, 0);
		}
		finally {
			sent.release();
		}
		return ch;
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET ", "rats", "RATs", "\0\0\0\0", "SSH-" })
	void badMagicIsNotARatsPeer(String magic) {
		this.channel = preambleChannel(true, Direction.INBOUND, null);
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(preamble(magic, 1, 1))));
		assertThat(root(thrown)).isExactlyInstanceOf(ProtocolException.class)
			.hasMessage("not a rats peer: bad preamble magic");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 2, 255 })
	void otherProtocolVersionIsIncompatible(int version) {
		this.channel = preambleChannel(true, Direction.OUTBOUND, null);
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(preamble("RATS", version, 1))));
		assertThat(root(thrown)).isInstanceOf(IncompatiblePeerException.class)
			.hasMessage("peer speaks rats protocol version " + version + ", we speak 1");
	}

	@Test
	void encryptedNodeRefusesPlaintextPeer() {
		this.channel = preambleChannel(true, Direction.INBOUND, null);
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(preamble("RATS", 1, 0))));
		assertThat(root(thrown)).isInstanceOf(IncompatiblePeerException.class)
			.hasMessage("peer has encryption disabled; this node requires encryption");
	}

	@Test
	void plaintextNodeRefusesEncryptedPeer() {
		this.channel = preambleChannel(false, Direction.OUTBOUND, null);
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(preamble("RATS", 1, 1))));
		assertThat(root(thrown)).isInstanceOf(IncompatiblePeerException.class)
			.hasMessage("peer requires encryption; this node has encryption disabled");
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 0x7f, 0xff })
	void unknownSecurityModeIsAProtocolError(int mode) {
		this.channel = preambleChannel(true, Direction.INBOUND, null);
		Throwable thrown = catchThrowable(() -> this.channel.writeInbound(track(preamble("RATS", 1, mode))));
		assertThat(root(thrown)).isExactlyInstanceOf(ProtocolException.class).hasMessage("unknown security mode " + mode);
	}

	@Test
	void partialPreambleWaitsThenCloseLeaksNothing() {
		this.channel = preambleChannel(true, Direction.INBOUND, null);
		this.channel.writeInbound(track(Unpooled.copiedBuffer("RATS", StandardCharsets.US_ASCII)));
		assertThat(this.channel.pipeline().get(PreambleHandler.class)).isNotNull();
		assertThat(this.channel.finish()).isFalse();
	}

	@ParameterizedTest(name = "we offer {0}, peer flags {1}")
	@CsvSource({ "true, 1, AES_GCM", "true, 0, CHACHA_POLY", "false, 1, CHACHA_POLY", "false, 0, CHACHA_POLY",
			"true, 255, AES_GCM", "true, 254, CHACHA_POLY" })
	void aesGcmOnlyWhenBothPreamblesOfferIt(boolean weOffer, int peerFlags, NoiseCipher expected) {
		assertThat(Preamble.cipher(weOffer, peerFlags)).isEqualTo(expected);
	}

	@Test
	void preambleCarriesTheAesGcmOfferInItsFlagsByteOnlyWhenEncrypted() {
		ByteBuf offer = Preamble.encode(Unpooled.buffer().alloc(), true, true);
		ByteBuf plaintext = Preamble.encode(Unpooled.buffer().alloc(), false, true);
		try {
			assertThat(ByteBufUtil.getBytes(offer)).containsExactly('R', 'A', 'T', 'S', 1, 1, 1, 0);
			assertThat(ByteBufUtil.getBytes(plaintext)).containsExactly('R', 'A', 'T', 'S', 1, 0, 0, 0);
			assertThat(Preamble.decode(offer, true)).isEqualTo(Preamble.FLAG_AES_GCM);
		}
		finally {
			offer.release();
			plaintext.release();
		}
	}

	@Test
	void matchingEncryptedPreambleHandsOverToNoise() {
		this.channel = preambleChannel(true, Direction.INBOUND, null);
		this.channel.writeInbound(track(preamble("RATS", 1, 1)));
		assertThat(this.channel.pipeline().get(PreambleHandler.class)).isNull();
		assertThat(this.channel.pipeline().get("noise-handshake")).isInstanceOf(NoiseHandshakeHandler.class);
		assertThat((Object) this.channel.readOutbound()).as("the responder waits for the first Noise message").isNull();
	}

	@Test
	void encryptedDialerSendsNoiseMessageOneBehindItsPreambleWithoutWaiting() {
		this.channel = preambleChannel(true, Direction.OUTBOUND, null);
		ByteBuf first = this.channel.readOutbound();
		try {
			assertThat(first).as("message 1 leaves before the acceptor's preamble arrives").isNotNull();
			assertThat(first.readableBytes()).as("length-prefixed message 1: one ephemeral key").isEqualTo(2 + 32);
			assertThat(first.getUnsignedShort(first.readerIndex())).isEqualTo(32);
		}
		finally {
			first.release();
		}
		this.channel.writeInbound(track(preamble("RATS", 1, 1)));
		assertThat(this.channel.pipeline().get(PreambleHandler.class)).isNull();
		assertThat(this.channel.pipeline().get("noise-handshake")).isInstanceOf(NoiseHandshakeHandler.class);
		assertThat((Object) this.channel.readOutbound()).as("the initiator waits for message 2").isNull();
	}

	@Test
	void matchingPlaintextPreambleAnnouncesTheSessionBeforePassingOnTheRest() {
		RecordingHandler recorder = new RecordingHandler();
		this.channel = preambleChannel(false, Direction.INBOUND, recorder);
		ByteBuf wire = track(Unpooled.buffer().writeBytes(preamble("RATS", 1, 0)).writeBytes(new byte[] { 0, 0, 0, 1, 2 }));
		this.channel.writeInbound(wire);
		assertThat(this.channel.pipeline().get(PreambleHandler.class)).isNull();
		assertThat(recorder.seen).hasSize(2);
		assertThat(recorder.seen.get(0)).isEqualTo(PreambleHandler.PlaintextSessionEvent.INSTANCE);
		assertThat(recorder.seen.get(1)).isEqualTo("0000000102");
	}

	/** Records user events and the hex of inbound buffers, in order. */
	private static final class RecordingHandler extends ChannelInboundHandlerAdapter {

		final List<Object> seen = new ArrayList<>();

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			this.seen.add(evt);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				this.seen.add(ByteBufUtil.hexDump((ByteBuf) msg));
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

	}

	// --- helpers --------------------------------------------------------------------------------------------------

	/** A decoder in the state it has once the peer is admitted: only maxFrameSize limits frames. */
	private static FrameDecoder admittedDecoder(int maxFrameSize) {
		FrameDecoder decoder = new FrameDecoder(maxFrameSize);
		decoder.admitted();
		return decoder;
	}

	private ByteBuf track(ByteBuf buf) {
		this.inputs.add(buf);
		return buf;
	}

	private static Throwable root(Throwable thrown) {
		assertThat(thrown).as("an exception").isNotNull();
		return (thrown instanceof DecoderException && thrown.getCause() != null) ? thrown.getCause() : thrown;
	}

	private static ByteBuf frame(int lengthField, byte type, byte[] body) {
		return Unpooled.buffer(5 + body.length).writeInt(lengthField).writeByte(type).writeBytes(body);
	}

	private static void writeFrame(ByteArrayOutputStream out, int lengthField, byte type, byte[] body) {
		out.write(lengthField >>> 24);
		out.write(lengthField >>> 16);
		out.write(lengthField >>> 8);
		out.write(lengthField);
		out.write(type);
		out.writeBytes(body);
	}

	private static byte[] pattern(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (i * 31 + (i >>> 8));
		}
		return bytes;
	}

}
