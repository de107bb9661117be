package io.librats.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.librats.stun.StunCodecChecks;

/**
 * STUN and ChannelData decoding on arbitrary bytes: a message decodes, every typed attribute reads and it re-encodes,
 * or a {@link io.librats.stun.StunException} says why not; nothing else escapes. (The seeded mutations of the RFC 5769
 * vectors run in {@code StunCodecTest}.)
 */
class StunDecodeFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void stunDecode(byte[] input) {
		StunCodecChecks.decodeAndReadEverything(input);
	}

}
