package io.librats.fuzz;

import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.identity.NodeIdentity;
import io.librats.identity.PeerIds;
import io.librats.transport.ProtocolException;
import io.librats.transport.WireFuzzTargets;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HELLO decoding on arbitrary bodies: a result is always well-formed (version at least 1, a well-formed peer id) and
 * never read beyond the body; everything else is a {@link ProtocolException}. Each input is decoded twice: as an
 * exact buffer, as the frame decoder hands bodies over, and with stale bytes in spare capacity behind it.
 */
class HelloDecodeFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void helloDecode(byte[] input) {
		check(input);
	}

	static Stream<Arguments> seeded() {
		String peerId = NodeIdentity.generate().peerId();
		return FuzzSupport.seededInputs(0x4E110, FuzzSupport.SEEDED_INPUTS,
				List.of(WireFuzzTargets.helloBody("rats", peerId, 7800, 42),
						WireFuzzTargets.helloBody("my-app/✓", peerId, 0, -1)));
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void helloDecodeOnSeededInputs(int index, byte[] input) {
		check(input);
	}

	static void check(byte[] input) {
		FuzzSupport.parseExactAndWithStaleTail(input, "0".repeat(100), HelloDecodeFuzzTest::decode);
	}

	private static void decode(ByteBuf body) {
		try {
			WireFuzzTargets.DecodedHello hello = WireFuzzTargets.decodeHello(body);
			assertThat(hello.version()).isGreaterThanOrEqualTo(1);
			assertThat(PeerIds.isWellFormed(hello.peerId())).as("peer id %s", hello.peerId()).isTrue();
			assertThat(hello.listenPort()).isBetween(0, 65535);
			assertThat(body.readerIndex()).as("decode stayed within the body").isLessThanOrEqualTo(body.writerIndex());
		}
		catch (ProtocolException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
		catch (RuntimeException unexpected) {
			FuzzSupport.assertExpectedFailure(unexpected);
		}
	}

}
