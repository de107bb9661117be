package io.librats.natlab;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.librats.testsupport.netns.Netns;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab itself, judged by coturn's own RFC 5780 client before any of our code is judged against it: behind each
 * {@link NatKind} (a fresh site each, so no earlier test has opened a NAT), {@code turnutils_natdiscovery} measures the
 * mapping and filtering the kind promises.
 */
class NatLabTest {

	private static NatLab lab;

	@BeforeAll
	static void startLab() {
		lab = NatLab.start(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stopLab() {
		if (lab != null) {
			lab.close();
		}
	}

	@ParameterizedTest
	@EnumSource(NatKind.class)
	void turnutilsNatdiscoveryMeasuresWhatEachKindPromises(NatKind kind) {
		try (LabSite site = lab.site(kind)) {
			NatDiscovery measured = NatDiscovery.measure(site.host(), lab.coturn().primaryAddress());
			System.out.println("lab check: " + site + ": turnutils_natdiscovery says " + measured);
			assertThat(measured).isEqualTo(new NatDiscovery(kind.mapping(), kind.filtering()));
		}
	}

	@Test
	void sitesReachTheRelayButNotEachOthersPrivateAddressesAndLeaveNothingBehind() {
		String hostName;
		try (LabSite a = lab.site(NatKind.PORT_RESTRICTED_CONE); LabSite b = lab.site(NatKind.FULL_CONE)) {
			hostName = a.host().name();
			assertThat(a.host().run("ping", "-c", "1", "-W", "2", lab.coturn().primaryAddress()).exitCode()).isZero();
			// The internet has no route to private ranges: b's host address is unreachable from a, silently.
			assertThat(a.host().run("ping", "-c", "1", "-W", "1", b.hostAddress()).exitCode()).isNotZero();
			// The private ranges of the relay go into the black hole, not to an error.
			assertThat(lab.relay().exec("ip", "route", "get", b.hostAddress())).contains("via 198.51.100.254");
		}
		assertThat(Netns.Commands.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).output())
			.doesNotContain(hostName);
	}

}
