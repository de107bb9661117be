package io.librats.natlab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.librats.nat.NatBehavior;
import io.librats.nat.NatType;
import io.librats.testsupport.netns.Netns;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab and our NAT behaviour discovery in it. Behind each {@link NatKind}, on a fresh site so that nothing has
 * opened the NAT yet, coturn's own RFC 5780 client {@code turnutils_natdiscovery} must first measure the mapping and
 * filtering the kind promises: the lab is known right before our code is judged. The site's routers then forget whom
 * they were opened to, and a rats node on the same host runs {@code detectNatType()} against the same coturn. Both
 * results are printed side by side with the time our detection took, as a table at the end (docs/nat-lab.md keeps a
 * run of it). {@code -Dnatlab.timers=default} measures with the default STUN timers instead of the lab's short ones.
 */
class NatLabTest {

	private static final Map<NatKind, String> results = new ConcurrentSkipListMap<>();

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
		System.out.println("NAT type detection in the lab (kind | turnutils_natdiscovery -f, -m (took) | rats | rats took):");
		results.forEach((kind, line) -> System.out.println("  " + kind + " | " + line));
	}

	@ParameterizedTest
	@EnumSource(NatKind.class)
	void detectNatTypeMatchesTheKindAndCoturnsOwnMeasurement(NatKind kind) {
		try (LabSite site = lab.site(kind)) {
			long referenceStarted = System.nanoTime();
			NatDiscovery reference = NatDiscovery.measure(site.host(), lab.coturn().primaryAddress());
			long referenceMillis = Duration.ofNanos(System.nanoTime() - referenceStarted).toMillis();
			System.out.println("lab check: " + site + ": turnutils_natdiscovery says " + reference);
			assertThat(reference).as("the lab itself (turnutils_natdiscovery) behind " + kind)
				.isEqualTo(new NatDiscovery(kind.mapping(), kind.filtering()));
			site.forgetContactedAddresses();
			try (LabNode node = LabNode.start("rats", site, lab, false,
					"timers=" + System.getProperty("natlab.timers", "lab"))) {
				long started = System.nanoTime();
				Matcher nat = node.request("detect-nat",
						"NAT (\\S+) mapping=(\\S+) filtering=(\\S+) took=(\\d+) mapped=(\\S+) detail=(.*)");
				long wallMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
				String line = reference + " (" + referenceMillis + " ms) | " + nat.group(1) + " (mapping " + nat.group(2) + ", filtering "
						+ nat.group(3) + ") | " + nat.group(4) + " ms (" + wallMillis + " ms with the command)";
				results.put(kind, line);
				System.out.println("side by side: " + kind + " | " + line);
				assertThat(NatType.valueOf(nat.group(1))).as("rats detectNatType() behind " + kind)
					.isEqualTo(kind.natType());
				assertThat(NatBehavior.valueOf(nat.group(2))).as("rats mapping behind " + kind)
					.isEqualTo(reference.mapping());
				assertThat(NatBehavior.valueOf(nat.group(3))).as("rats filtering behind " + kind)
					.isEqualTo(reference.filtering());
			}
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
			// The relay's route to private ranges is the black hole, not an error.
			assertThat(lab.relay().exec("ip", "route", "get", b.hostAddress())).contains("via 198.51.100.254");
		}
		assertThat(Netns.Commands.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).output())
			.doesNotContain(hostName);
	}

}
