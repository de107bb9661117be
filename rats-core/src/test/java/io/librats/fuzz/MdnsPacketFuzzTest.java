package io.librats.fuzz;

import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.mdns.MdnsFuzzTargets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mDNS packets from a hostile neighbour: the decoder either produces a message whose records are all readable and
 * that survives our encoder unchanged, or refuses it with its one format exception (no loops through compression
 * pointers, no reads past the packet); and the protocol logic of an announced node takes any packet, as multicast
 * and as legacy unicast, without throwing.
 */
class MdnsPacketFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void mdnsPacket(byte[] input) {
		check(input);
	}

	static Stream<Arguments> seeded() {
		return FuzzSupport.seededInputs(0x6D646E, FuzzSupport.SEEDED_INPUTS, MdnsFuzzTargets.samples());
	}

	@ParameterizedTest(name = "[{0}]")
	@MethodSource("seeded")
	void mdnsPacketOnSeededInputs(int index, byte[] input) {
		check(input);
	}

	private static void check(byte[] input) {
		try {
			MdnsFuzzTargets.decodeAndUse(input);
			MdnsFuzzTargets.receive(input);
		}
		catch (RuntimeException unexpected) {
			FuzzSupport.assertExpectedFailure(unexpected);
		}
	}

}
