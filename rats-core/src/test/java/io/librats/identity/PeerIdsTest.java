package io.librats.identity;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerIdsTest {

	/** Alice's public key from RFC 7748 section 6.1. */
	private static final byte[] RFC7748_ALICE = HexFormat.of()
		.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

	@Test
	void peerIdIsFirstTwentyBytesOfSha256OfThePublicKeyInHex() {
		// Computed independently: printf '%s' 8520f0...4e6a | xxd -r -p | sha256sum | cut -c1-40
		assertThat(PeerIds.fromPublicKey(RFC7748_ALICE)).isEqualTo("300c9c9603b92a4b39ed3958bf9240114804db4f");
	}

	@Test
	void derivedIdsAreWellFormed() {
		String id = PeerIds.fromPublicKey(RFC7748_ALICE);
		assertThat(id).hasSize(PeerIds.LENGTH);
		assertThat(PeerIds.isWellFormed(id)).isTrue();
		assertThat(PeerIds.isWellFormed(id.toUpperCase())).isFalse();
		assertThat(PeerIds.isWellFormed(id.substring(1))).isFalse();
		assertThat(PeerIds.isWellFormed(null)).isFalse();
	}

	@Test
	void rejectsKeysOfTheWrongLength() {
		assertThatThrownBy(() -> PeerIds.fromPublicKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
	}

}
