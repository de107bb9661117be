package io.librats.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** RFC 5769 vectors decoded and re-encoded byte for byte, typed attributes, and strict rejection of bad input. */
class StunCodecTest {

	private static final byte[] SHORT_KEY = StunCredentials.shortTermKey(Rfc5769Vectors.SHORT_TERM_PASSWORD);

	@Test
	void sampleRequestDecodesAndVerifies() throws Exception {
		StunMessage request = StunMessage.decode(Rfc5769Vectors.REQUEST);
		assertThat(request.is(StunMethod.BINDING, StunClass.REQUEST)).isTrue();
		assertThat(request.transactionId()).isEqualTo(Rfc5769Vectors.TRANSACTION_ID);
		assertThat(request.string(StunAttribute.SOFTWARE)).contains("STUN test client");
		assertThat(request.string(StunAttribute.USERNAME)).contains("evtj:h6vY");
		assertThat(request.u32(StunAttribute.PRIORITY)).contains(0x6e0001ffL);
		assertThat(request.unknownRequiredAttributes()).isEmpty();
		request.verifyIntegrity(SHORT_KEY);
		assertThatThrownBy(() -> request.verifyIntegrity(StunCredentials.shortTermKey("wrong")))
			.isInstanceOf(StunException.class).hasMessageContaining("MESSAGE-INTEGRITY");
	}

	@Test
	void sampleRequestEncodesByteForByte() {
		StunMessage built = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, Rfc5769Vectors.TRANSACTION_ID)
			.padding((byte) 0x20)
			.string(StunAttribute.SOFTWARE, "STUN test client")
			.u32(StunAttribute.PRIORITY, 0x6e0001ffL)
			.add(StunAttribute.ICE_CONTROLLED, Rfc5769Vectors.hex("932ff9b151263b36"))
			.string(StunAttribute.USERNAME, "evtj:h6vY")
			.integrity(SHORT_KEY)
			.fingerprint()
			.build();
		assertThat(built.toBytes()).isEqualTo(Rfc5769Vectors.REQUEST);
	}

	@Test
	void ipv4ResponseDecodesVerifiesAndEncodes() throws Exception {
		StunMessage response = StunMessage.decode(Rfc5769Vectors.IPV4_RESPONSE);
		assertThat(response.is(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE)).isTrue();
		assertThat(response.mappedAddress()).contains(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
		response.verifyIntegrity(SHORT_KEY);
		StunMessage built = StunMessage
			.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, Rfc5769Vectors.TRANSACTION_ID)
			.padding((byte) 0x20)
			.string(StunAttribute.SOFTWARE, "test vector")
			.xorAddress(StunAttribute.XOR_MAPPED_ADDRESS, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853))
			.integrity(SHORT_KEY)
			.fingerprint()
			.build();
		assertThat(built.toBytes()).isEqualTo(Rfc5769Vectors.IPV4_RESPONSE);
	}

	@Test
	void ipv6ResponseDecodesVerifiesAndEncodes() throws Exception {
		InetSocketAddress mapped = new InetSocketAddress(
				InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
		StunMessage response = StunMessage.decode(Rfc5769Vectors.IPV6_RESPONSE);
		assertThat(response.mappedAddress()).contains(mapped);
		response.verifyIntegrity(SHORT_KEY);
		StunMessage built = StunMessage
			.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, Rfc5769Vectors.TRANSACTION_ID)
			.padding((byte) 0x20)
			.string(StunAttribute.SOFTWARE, "test vector")
			.xorAddress(StunAttribute.XOR_MAPPED_ADDRESS, mapped)
			.integrity(SHORT_KEY)
			.fingerprint()
			.build();
		assertThat(built.toBytes()).isEqualTo(Rfc5769Vectors.IPV6_RESPONSE);
	}

	@Test
	void longTermRequestVerifiesWithSaslPreparedPassword() throws Exception {
		assertThat(StunCredentials.prepare(Rfc5769Vectors.LONG_TERM_PASSWORD)).isEqualTo("TheMatrIX");
		byte[] key = StunCredentials.longTermKey(Rfc5769Vectors.LONG_TERM_USERNAME, Rfc5769Vectors.REALM,
				Rfc5769Vectors.LONG_TERM_PASSWORD);
		StunMessage request = StunMessage.decode(Rfc5769Vectors.LONG_TERM_REQUEST);
		assertThat(request.string(StunAttribute.USERNAME)).contains(Rfc5769Vectors.LONG_TERM_USERNAME);
		assertThat(request.string(StunAttribute.NONCE)).contains(Rfc5769Vectors.NONCE);
		assertThat(request.string(StunAttribute.REALM)).contains(Rfc5769Vectors.REALM);
		request.verifyIntegrity(key);
		StunMessage built = StunMessage
			.builder(StunMethod.BINDING, StunClass.REQUEST, Rfc5769Vectors.hex("78ad3433c6ad72c029da412e"))
			.string(StunAttribute.USERNAME, Rfc5769Vectors.LONG_TERM_USERNAME)
			.string(StunAttribute.NONCE, Rfc5769Vectors.NONCE)
			.string(StunAttribute.REALM, Rfc5769Vectors.REALM)
			.integrity(key)
			.build();
		assertThat(built.toBytes()).isEqualTo(Rfc5769Vectors.LONG_TERM_REQUEST);
	}

	@Test
	void sha256IntegrityRoundTrips() throws Exception {
		byte[] key = StunCredentials.longTermKey("u", "realm", "p");
		StunMessage built = StunMessage.builder(StunMethod.ALLOCATE, StunClass.REQUEST)
			.requestedTransport(17)
			.integritySha256(key)
			.fingerprint()
			.build();
		StunMessage decoded = StunMessage.decode(built.toBytes());
		decoded.verifyIntegrity(key);
		assertThat(decoded.method()).isEqualTo(StunMethod.ALLOCATE);
		assertThatThrownBy(() -> decoded.verifyIntegrity(StunCredentials.longTermKey("u", "realm", "x")))
			.isInstanceOf(StunException.class);
	}

	@Test
	void everyMethodAndClassRoundTrips() throws Exception {
		for (int method : new int[] { StunMethod.BINDING, StunMethod.ALLOCATE, StunMethod.REFRESH, StunMethod.SEND,
				StunMethod.DATA, StunMethod.CREATE_PERMISSION, StunMethod.CHANNEL_BIND, StunMethod.CONNECT,
				StunMethod.CONNECTION_BIND, StunMethod.CONNECTION_ATTEMPT, 0xFFF }) {
			for (StunClass messageClass : StunClass.values()) {
				StunMessage decoded = StunMessage.decode(StunMessage.builder(method, messageClass).build().toBytes());
				assertThat(decoded.method()).isEqualTo(method);
				assertThat(decoded.messageClass()).isEqualTo(messageClass);
			}
		}
	}

	@Test
	void turnAttributesRoundTrip() throws Exception {
		InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("::1"), 5000);
		StunMessage decoded = StunMessage.decode(StunMessage.builder(StunMethod.CHANNEL_BIND, StunClass.REQUEST)
			.channelNumber(0x4001)
			.xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer)
			.u32(StunAttribute.LIFETIME, 600)
			.u32(StunAttribute.CONNECTION_ID, 0xdeadbeefL)
			.add(StunAttribute.DATA, new byte[] { 1, 2, 3 })
			.changeRequest(true, true)
			.error(438, "Stale Nonce")
			.add(StunAttribute.UNKNOWN_ATTRIBUTES, new byte[] { 0x7f, 0x01, 0x00, 0x2f })
			.build()
			.toBytes());
		assertThat(decoded.xorAddress(StunAttribute.XOR_PEER_ADDRESS)).contains(peer);
		assertThat(decoded.u32(StunAttribute.CHANNEL_NUMBER)).contains(0x40010000L);
		assertThat(decoded.u32(StunAttribute.LIFETIME)).contains(600L);
		assertThat(decoded.u32(StunAttribute.CONNECTION_ID)).contains(0xdeadbeefL);
		assertThat(decoded.attribute(StunAttribute.DATA)).hasValueSatisfying((d) -> assertThat(d).containsExactly(1, 2, 3));
		assertThat(decoded.u32(StunAttribute.CHANGE_REQUEST)).contains(6L);
		assertThat(decoded.error()).hasValueSatisfying((e) -> {
			assertThat(e.code()).isEqualTo(438);
			assertThat(e.getMessage()).contains("Stale Nonce");
		});
		assertThat(decoded.unknownAttributesListed()).containsExactly(0x7f01, 0x002f);
	}

	@Test
	void unknownComprehensionRequiredAttributeIsRefused() throws Exception {
		StunMessage message = StunMessage.decode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE)
			.add(0x7f01, new byte[] { 1 })
			.add(0xc001, new byte[] { 2 })
			.build()
			.toBytes());
		assertThat(message.unknownRequiredAttributes()).containsExactly(0x7f01);
		assertThatThrownBy(message::requireKnownAttributes).isInstanceOf(StunException.class).hasMessageContaining("0x7f01");
	}

	@Test
	void wrongFingerprintIsRefused() {
		byte[] bad = Rfc5769Vectors.IPV4_RESPONSE.clone();
		bad[bad.length - 1] ^= 1;
		assertThatThrownBy(() -> StunMessage.decode(bad)).isInstanceOf(StunException.class)
			.hasMessageContaining("FINGERPRINT");
	}

	@Test
	void tamperedBodyFailsIntegrityOrFingerprint() {
		byte[] bad = Rfc5769Vectors.LONG_TERM_REQUEST.clone();
		bad[30] ^= 1;
		byte[] key = StunCredentials.longTermKey(Rfc5769Vectors.LONG_TERM_USERNAME, Rfc5769Vectors.REALM,
				Rfc5769Vectors.LONG_TERM_PASSWORD);
		assertThatThrownBy(() -> StunMessage.decode(bad).verifyIntegrity(key)).isInstanceOf(StunException.class);
	}

	@Test
	void structuralErrorsAreRefused() {
		byte[] request = Rfc5769Vectors.REQUEST;
		assertRefused(Arrays.copyOf(request, 19), "truncated");
		assertRefused(Arrays.copyOf(request, request.length - 4), "does not match");
		byte[] cookie = request.clone();
		cookie[5] = 0;
		assertRefused(cookie, "magic cookie");
		byte[] bits = request.clone();
		bits[0] = (byte) 0x80;
		assertRefused(bits, "first two bits");
		byte[] odd = request.clone();
		odd[3] = 0x57;
		assertRefused(odd, "multiple of 4");
		byte[] overrun = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).add(0x8022, new byte[4]).build()
			.toBytes();
		overrun[23] = 8;
		assertRefused(overrun, "overruns");
		byte[] afterFingerprint = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).fingerprint().build()
			.toBytes();
		byte[] extended = Arrays.copyOf(afterFingerprint, afterFingerprint.length + 4);
		extended[3] += 4;
		extended[afterFingerprint.length] = (byte) 0x80;
		extended[afterFingerprint.length + 1] = 0x22;
		assertRefused(extended, "");
	}

	@Test
	void malformedTypedAttributesAreRefused() throws Exception {
		StunMessage message = StunMessage.decode(StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE)
			.add(StunAttribute.XOR_MAPPED_ADDRESS, new byte[] { 0, 3, 0, 1, 1, 2, 3, 4 })
			.add(StunAttribute.OTHER_ADDRESS, new byte[] { 0, 1, 0, 1, 1, 2, 3 })
			.add(StunAttribute.LIFETIME, new byte[] { 1, 2 })
			.add(StunAttribute.ERROR_CODE, new byte[] { 0, 0, 9, 1 })
			.build()
			.toBytes());
		assertThatThrownBy(message::mappedAddress).isInstanceOf(StunException.class).hasMessageContaining("family");
		assertThatThrownBy(() -> message.address(StunAttribute.OTHER_ADDRESS)).isInstanceOf(StunException.class);
		assertThatThrownBy(() -> message.u32(StunAttribute.LIFETIME)).isInstanceOf(StunException.class);
		assertThatThrownBy(message::error).isInstanceOf(StunException.class);
	}

	@Test
	void channelDataFraming() throws Exception {
		ChannelData data = new ChannelData(0x4001, new byte[] { 1, 2, 3, 4, 5 });
		assertThat(data.encode(true)).hasSize(12);
		assertThat(data.encode(false)).hasSize(9);
		assertThat(ChannelData.decode(data.encode(true), 0, 12)).isEqualTo(data);
		assertThat(ChannelData.decode(data.encode(false), 0, 9)).isEqualTo(data);
		assertThat(ChannelData.isChannelData(0x40)).isTrue();
		assertThat(ChannelData.isChannelData(0x00)).isFalse();
		assertThatThrownBy(() -> ChannelData.decode(new byte[] { 0x50, 0, 0, 0 }, 0, 4)).isInstanceOf(StunException.class);
		assertThatThrownBy(() -> ChannelData.decode(new byte[] { 0x40, 0, 0, 9, 1 }, 0, 5)).isInstanceOf(StunException.class);
		assertThatThrownBy(() -> ChannelData.decode(new byte[] { 0x40, 0, 0, 0, 1, 2, 3, 4 }, 0, 8))
			.isInstanceOf(StunException.class);
		assertThatThrownBy(() -> ChannelData.decode(new byte[] { 0x40, 0 }, 0, 2)).isInstanceOf(StunException.class);
	}

	static Stream<Arguments> mutations() {
		Random random = new Random(0x5754_4e);
		byte[][] seeds = { Rfc5769Vectors.REQUEST, Rfc5769Vectors.IPV4_RESPONSE, Rfc5769Vectors.IPV6_RESPONSE,
				Rfc5769Vectors.LONG_TERM_REQUEST };
		return IntStream.range(0, 400).mapToObj((i) -> {
			byte[] input = seeds[i % seeds.length].clone();
			int kind = random.nextInt(3);
			if (kind == 0) {
				for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
					input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
				}
			}
			else if (kind == 1) {
				input = Arrays.copyOf(input, random.nextInt(input.length));
			}
			else {
				int at = 20 + random.nextInt(input.length - 20);
				input[at] = (byte) random.nextInt(256);
				input[2] = (byte) random.nextInt(256);
				input[3] = (byte) random.nextInt(256);
			}
			return Arguments.of(i, input);
		});
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("mutations")
	void mutatedVectorsFailCleanlyOrDecodeConsistently(int index, byte[] input) {
		StunCodecChecks.decodeAndReadEverything(input);
	}

	private static void assertRefused(byte[] input, String message) {
		try {
			StunMessage.decode(input);
			fail("accepted " + Arrays.toString(input));
		}
		catch (StunException expected) {
			assertThat(expected.getMessage()).contains(message);
		}
	}

}
