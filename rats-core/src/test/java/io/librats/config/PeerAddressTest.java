package io.librats.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerAddressTest {

	@Test
	void parsesNamesIpv4AndBracketedIpv6() {
		assertThat(PeerAddress.parse("example.org:7800")).isEqualTo(new PeerAddress("example.org", 7800));
		assertThat(PeerAddress.parse("127.0.0.1:1")).isEqualTo(new PeerAddress("127.0.0.1", 1));
		assertThat(PeerAddress.parse("[::1]:65535")).isEqualTo(new PeerAddress("::1", 65535));
		assertThat(new PeerAddress("::1", 7800)).hasToString("[::1]:7800");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "host", "host:", ":80", "host:0", "host:65536", "host:abc", "[::1]", "[::1]80" })
	void rejectsMalformedAddressesNamingTheInput(String text) {
		assertThatThrownBy(() -> PeerAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("'" + text + "'");
	}

}
