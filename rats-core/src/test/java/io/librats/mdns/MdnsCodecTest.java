package io.librats.mdns;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our DNS message codec: round trips, compression, UTF-8 labels with dots, and refusal of malformed packets. */
class MdnsCodecTest {

	static final DnsName TYPE = DnsName.parse("_rats._tcp.local.");

	static final DnsName INSTANCE = TYPE.prepend("Café.lounge (2)");

	static final DnsName HOST = DnsName.parse("rats-0123456789ab.local.");

	/** Encodes and decodes a message, failing the test if the decoded message differs. */
	static MdnsMessage roundTrip(MdnsMessage message) {
		try {
			MdnsMessage decoded = MdnsCodec.decode(Unpooled.wrappedBuffer(MdnsCodec.encode(message)));
			assertThat(decoded).isEqualTo(message);
			return decoded;
		}
		catch (MdnsFormatException ex) {
			throw new AssertionError("our own encoding does not decode: " + message, ex);
		}
	}

	static MdnsMessage sample() {
		return new MdnsMessage(0, MdnsMessage.FLAG_RESPONSE | MdnsMessage.FLAG_AUTHORITATIVE,
				List.of(new MdnsQuestion(TYPE, MdnsRecord.PTR, 1, true)),
				List.of(MdnsRecord.ptr(TYPE, INSTANCE, 4500), MdnsRecord.srv(INSTANCE, 7800, HOST, 120)),
				List.of(MdnsRecord.txt(INSTANCE, List.of("id=" + "ab".repeat(20), "v=1", "ns=rats"), 4500)),
				List.of(MdnsRecord.address(HOST, RecordingOutput.address("10.0.0.7"), 120),
						MdnsRecord.address(HOST, RecordingOutput.address("fd00::7"), 120)));
	}

	@Test
	void everySectionAndRecordTypeRoundTrips() {
		MdnsMessage decoded = roundTrip(sample());
		MdnsRecord srv = decoded.answers().get(1);
		assertThat(srv.srvPort()).isEqualTo(7800);
		assertThat(srv.srvTarget()).isEqualTo(HOST);
		assertThat(decoded.answers().get(0).ptrTarget().first()).isEqualTo("Café.lounge (2)");
		assertThat(Browser.parseTxt(decoded.authorities().get(0))).containsEntry("v", "1").containsEntry("ns", "rats");
		assertThat(decoded.questions().get(0).unicastResponse()).isTrue();
		assertThat(srv.cacheFlush()).isTrue();
		assertThat(decoded.answers().get(0).cacheFlush()).isFalse();
	}

	@Test
	void namesAreCompressedIncludingInsidePtrAndSrvData() {
		byte[] encoded = MdnsCodec.encode(sample());
		// "_rats" is written once; every later "_rats._tcp.local." is a two-byte pointer.
		String hex = HexFormat.of().formatHex(encoded);
		assertThat(hex.split(HexFormat.of().formatHex("_rats".getBytes()), -1)).hasSize(2);
		assertThat(hex.split(HexFormat.of().formatHex("rats-0123456789ab".getBytes()), -1)).hasSize(2);
		assertThat(encoded.length).isLessThan(260);
	}

	@Test
	void labelsWithDotsAndUtf8StayWholeLabels() {
		byte[] wire = INSTANCE.toWire();
		byte[] label = "Café.lounge (2)".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		assertThat(wire[0]).isEqualTo((byte) label.length);
		assertThat(INSTANCE.labels()).hasSize(4);
		assertThat(INSTANCE.toString()).isEqualTo("Café\\.lounge (2)._rats._tcp.local.");
		assertThat(DnsName.parse("_RATS._tcp.LOCAL")).isEqualTo(TYPE);
	}

	@Test
	void netty_decodes_what_we_encode() {
		// An independent decoder (Netty's) reads our response, compressed names and all.
		EmbeddedChannel channel = new EmbeddedChannel(new DatagramDnsResponseDecoder());
		try {
			byte[] encoded = MdnsCodec.encode(sample());
			InetSocketAddress any = new InetSocketAddress("127.0.0.1", 5353);
			channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(encoded), any, any));
			DnsResponse response = channel.readInbound();
			try {
				assertThat(response.count(DnsSection.ANSWER)).isEqualTo(2);
				assertThat(response.count(DnsSection.ADDITIONAL)).isEqualTo(2);
				DnsRecord ptr = response.recordAt(DnsSection.ANSWER, 0);
				assertThat(ptr.name()).isEqualTo("_rats._tcp.local.");
				DnsRecord srv = response.recordAt(DnsSection.ANSWER, 1);
				// Netty reads the name, but turns the UTF-8 label into punycode and its dot into a label break: one
				// reason our decoder keeps labels whole instead (RFC 6763 section 4.3 instance names are UTF-8).
				assertThat(srv.name()).isEqualTo("xn--caf-dma.lounge (2)._rats._tcp.local.");
				ByteBuf data = ((DnsRawRecord) srv).content();
				assertThat(data.getUnsignedShort(data.readerIndex() + 4)).isEqualTo(7800);
			}
			finally {
				response.release();
			}
		}
		finally {
			channel.finishAndReleaseAll();
		}
	}

	@Test
	void srvTargetCompressedAgainstAnEarlierNameIsDecoded() throws Exception {
		ByteArrayOutputStream packet = new ByteArrayOutputStream();
		packet.writeBytes(HexFormat.of().parseHex("000084000000000100000000"));
		int local = packet.size() + 7; // offset of "local" inside the owner name below
		packet.writeBytes(HexFormat.of().parseHex("0178" + "0474657374" + "056c6f63616c00")); // x.test.local.
		packet.writeBytes(HexFormat.of().parseHex("0021800100000078")); // SRV, IN flush, TTL 120
		packet.writeBytes(HexFormat.of().parseHex("000d" + "0000000004d2" + "0468737431" + "c0" + String.format("%02x", local)));
		MdnsMessage message = MdnsCodec.decode(Unpooled.wrappedBuffer(packet.toByteArray()));
		MdnsRecord srv = message.answers().get(0);
		assertThat(srv.srvPort()).isEqualTo(1234);
		assertThat(srv.srvTarget()).isEqualTo(DnsName.parse("hst1.local."));
	}

	static Stream<Arguments> hostile() {
		return Stream.of(
				Arguments.of("short header", "0000840000"),
				Arguments.of("pointer to itself", "000000000001000000000000" + "c00c" + "00010001"),
				Arguments.of("pointer forward", "000000000001000000000000" + "c010" + "00010001" + "0000"),
				Arguments.of("pointer out of range", "000000000001000000000000" + "c3ff" + "00010001"),
				Arguments.of("pointer loop of two", "000000000002000000000000" + "0161c012" + "00010001" + "c00c"
						+ "00010001"),
				Arguments.of("truncated pointer", "000000000001000000000000" + "c0"),
				Arguments.of("label past end", "000000000001000000000000" + "3f6161"),
				Arguments.of("reserved label type 0x40", "000000000001000000000000" + "4161" + "00" + "00010001"),
				Arguments.of("reserved label type 0x80", "000000000001000000000000" + "8161" + "00" + "00010001"),
				Arguments.of("huge counts", "0000000000ffffffffffffff" + "00000100010000000000"),
				Arguments.of("truncated record", "000084000000000100000000" + "00" + "0001000100000078" + "0004" + "0a00"),
				Arguments.of("A of 5 bytes", "000084000000000100000000" + "00" + "0001000100000078" + "0005" + "0a00000101"),
				Arguments.of("AAAA of 4 bytes", "000084000000000100000000" + "00" + "001c000100000078" + "0004" + "0a000001"),
				Arguments.of("TXT overrun", "000084000000000100000000" + "00" + "0010000100000078" + "0003" + "056162"),
				Arguments.of("SRV too short", "000084000000000100000000" + "00" + "0021000100000078" + "0006" + "000000000050"),
				Arguments.of("PTR name past rdata", "000084000000000100000000" + "00" + "000c000100000078" + "0002" + "016100"),
				Arguments.of("name over 255 bytes", "000000000001000000000000" + "3f" + "61".repeat(63) + "3f"
						+ "61".repeat(63) + "3f" + "61".repeat(63) + "3f" + "61".repeat(63) + "00" + "00010001"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostile")
	void malformedPacketsAreRefused(String what, String hex) {
		ByteBuf packet = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
		assertThatThrownBy(() -> MdnsCodec.decode(packet)).isInstanceOf(MdnsFormatException.class);
	}

	@Test
	void aPacketOverNineThousandBytesIsRefused() {
		assertThatThrownBy(() -> MdnsCodec.decode(Unpooled.wrappedBuffer(new byte[9001])))
			.isInstanceOf(MdnsFormatException.class);
	}

	static Stream<Arguments> mutations() {
		byte[] valid = MdnsCodec.encode(sample());
		Random random = new Random(0x6D646E73);
		return IntStream.range(0, 500).mapToObj((i) -> Arguments.of(i, mutate(valid, random)));
	}

	static byte[] mutate(byte[] valid, Random random) {
		byte[] bytes = valid.clone();
		switch (random.nextInt(4)) {
			case 0 -> {
				for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
					bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				}
			}
			case 1 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
			case 2 -> bytes[12 + random.nextInt(bytes.length - 12)] = (byte) (0xC0 | random.nextInt(64));
			default -> {
				bytes[4 + 2 * random.nextInt(4)] = (byte) random.nextInt(256);
				bytes[5 + 2 * random.nextInt(4)] = (byte) random.nextInt(256);
			}
		}
		return bytes;
	}

	/** Seeded mutations of a valid packet: each either decodes to a usable message or is refused; nothing else. */
	@ParameterizedTest(name = "[{0}]")
	@MethodSource("mutations")
	void mutatedPacketsDecodeOrAreRefused(int index, byte[] input) {
		MdnsFuzzTargets.decodeAndUse(input);
	}

}
