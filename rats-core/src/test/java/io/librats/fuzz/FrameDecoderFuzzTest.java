package io.librats.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.transport.FrameType;
import io.librats.transport.RawNoiseClient;
import io.librats.transport.WireFuzzTargets;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame decoder on arbitrary bytes in arbitrary chunks: it emits only well-formed frames within the size limit,
 * fails only with the protocol's exceptions, and every buffer it was given ends released.
 */
class FrameDecoderFuzzTest {

	private static final int MAX_FRAME = 1024;

	@FuzzTest(maxDuration = "60s")
	void frameDecoder(byte[] input) {
		check(input);
	}

	static Stream<Arguments> seeded() {
		List<byte[]> samples = new ArrayList<>();
		for (boolean admitted : new boolean[] { false, true }) {
			int control = (admitted ? 1 : 0) | (7 << 1);
			samples.add(withControl(control, RawNoiseClient.frame(FrameType.PING, new byte[8])));
			samples.add(withControl(control, concat(RawNoiseClient.messageFrame("chat", "{\"a\":1}"),
					RawNoiseClient.frame((byte) 0x40, new byte[] { 1, 2, 3 }),
					RawNoiseClient.frame(FrameType.BINARY, new byte[MAX_FRAME]))));
			samples.add(withControl(control, RawNoiseClient.helloFrame("rats", "0".repeat(40), 7800, 1)));
		}
		return FuzzSupport.seededInputs(0xF4A3E, FuzzSupport.SEEDED_INPUTS, samples);
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void frameDecoderOnSeededInputs(int index, byte[] input) {
		check(input);
	}

	/**
	 * First byte: bit 0 says whether the peer is admitted, bits 1..6 the chunk size (1..64) the rest arrives in.
	 */
	static void check(byte[] input) {
		int control = (input.length > 0) ? input[0] & 0xff : 0;
		boolean admitted = (control & 1) != 0;
		int chunk = 1 + ((control >>> 1) & 0x3f);
		int maxBody = admitted ? MAX_FRAME : WireFuzzTargets.maxHandshakeFrame() - 1;
		EmbeddedChannel channel = WireFuzzTargets.frameDecoderChannel(MAX_FRAME, admitted);
		FuzzSupport.feedInChunks(channel, input, chunk, () -> drainFrames(channel, maxBody));
		drainFrames(channel, maxBody);
	}

	private static void drainFrames(EmbeddedChannel channel, int maxBody) {
		Object msg;
		while ((msg = channel.readInbound()) != null) {
			try {
				assertThat(WireFuzzTargets.isFrame(msg)).as("decoder emits frames only").isTrue();
				assertThat(WireFuzzTargets.isAcceptableType(WireFuzzTargets.frameType(msg))).isTrue();
				assertThat(WireFuzzTargets.frameBody(msg).readableBytes()).isLessThanOrEqualTo(maxBody);
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}
	}

	private static byte[] withControl(int control, byte[] wire) {
		byte[] input = new byte[1 + wire.length];
		input[0] = (byte) control;
		System.arraycopy(wire, 0, input, 1, wire.length);
		return input;
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

}
