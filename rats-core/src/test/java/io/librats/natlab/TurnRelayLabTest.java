package io.librats.natlab;

import java.time.Duration;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two rats nodes behind symmetric NATs, where no direct path exists, connect through coturn with a TURN TCP allocation
 * (RFC 6062) and exchange Noise-encrypted messages. The routers count every packet between the two sites (none may
 * pass) and between each site and the relay (the positive control that the counters count). coturn grants allocations
 * of {@link #LIFETIME} only, so the connection outliving several lifetimes proves the client refreshes; the node that
 * stops must deallocate, which coturn's log shows. A node without TURN reaches a relayed address with a plain
 * DIRECT dial, as it would any TCP listener, once the relayed node has permitted its public IP.
 */
class TurnRelayLabTest {

	/** As short as coturn grants and the test can still tell a refreshed allocation from an expired one. */
	private static final Duration LIFETIME = Duration.ofSeconds(6);

	private static final String SITE_TO_SITE = "lab-site-to-site";

	private static final String TO_RELAY = "lab-relay";

	private static NatLab lab;

	@BeforeAll
	static void startLab() {
		lab = NatLab.start(LIFETIME);
	}

	@AfterAll
	static void stopLab() {
		if (lab != null) {
			lab.close();
		}
	}

	@Test
	void nodesBehindSymmetricNatsTalkThroughTheRelayOnlyAndKeepTheirAllocationAlive() {
		try (LabSite a = lab.site(NatKind.SYMMETRIC); LabSite b = lab.site(NatKind.SYMMETRIC)) {
			countTraffic(a, b);
			countTraffic(b, a);
			try (LabNode alice = LabNode.start("alice", a, lab, true);
					LabNode bob = LabNode.start("bob", b, lab, true)) {
				String bobRelayed = bob.relayedAddress();
				assertThat(bobRelayed).as("bob's relayed address is on the relay (coturn takes its addresses in turn)")
					.matches(Pattern.quote(lab.coturn().primaryAddress()) + ":\\d+|"
							+ Pattern.quote(lab.coturn().secondaryAddress()) + ":\\d+");
				String[] hostPort = bobRelayed.split(":");
				alice.request("connect " + hostPort[0] + " " + hostPort[1] + " TURN_RELAY",
						"CONNECTED " + bob.peerId() + " TURN_RELAY");
				assertPeerOverTurn(alice, bob.peerId());
				assertPeerOverTurn(bob, alice.peerId());

				alice.request("send " + bob.peerId() + " hello-bob", "SENT \\S+");
				bob.awaitReceived(alice.peerId(), "hello-bob");
				bob.request("send " + alice.peerId() + " hello-alice", "SENT \\S+");
				alice.awaitReceived(bob.peerId(), "hello-alice");

				// Past twice the allocation lifetime the session still stands, so both allocations were refreshed.
				Duration keepAlive = LIFETIME.multipliedBy(5).dividedBy(2);
				Awaitility.await("the relayed session through " + keepAlive)
					.during(keepAlive)
					.atMost(keepAlive.plus(LabNode.WAIT))
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> bob.request("peers", "PEERS (\\d+)").group(1).equals("1"));
				alice.request("send " + bob.peerId() + " still-there", "SENT \\S+");
				bob.awaitReceived(alice.peerId(), "still-there");

				for (LabSite site : new LabSite[] { a, b }) {
					LabRouter router = site.edgeRouter();
					assertThat(router.packets(SITE_TO_SITE)).as("packets between the sites at " + router).isZero();
					assertThat(router.packets(TO_RELAY)).as("packets between " + router + " and the relay")
						.isPositive();
				}

				// And there is indeed no direct path: bob's NAT lets no connection in.
				alice.request("connect " + b.publicAddress() + " " + bob.port() + " DIRECT", "CONNECT-FAILED .*");

				// Deallocation is a Refresh with lifetime 0 (RFC 8656 section 7), which coturn logs by session; that
				// session must be bob's, the one whose control connection comes from his site.
				int logFrom = lab.coturn().log().lineCount();
				bob.request("stop", "STOPPED");
				String session = lab.coturn()
					.log()
					.awaitLine(Pattern.compile("session (\\d+): refreshed, .*lifetime=0$"), logFrom, LabNode.WAIT)
					.group(1);
				lab.coturn()
					.log()
					.awaitLine(Pattern.compile("session " + session + ": closed .* remote "
							+ Pattern.quote(b.publicAddress()) + ":"), logFrom, LabNode.WAIT);
				// coturn logs the lifetime asked for, not the one granted; the count of refreshes is what matters.
				assertThat(lab.coturn().log().output()).as("refreshes of bob's allocation in coturn's log")
					.filteredOn((line) -> line.contains("session " + session + ": refreshed, ")
							&& !line.endsWith("lifetime=0"))
					.hasSizeGreaterThanOrEqualTo(2);
				Awaitility.await("alice sees bob leave")
					.atMost(LabNode.WAIT)
					.pollInterval(Duration.ofMillis(500))
					.until(() -> alice.request("peers", "PEERS (\\d+)").group(1).equals("0"));
			}
		}
	}

	@Test
	void aNodeWithoutTurnDialsTheRelayedAddressLikeAnyTcpPeerOncePermitted() {
		try (LabSite c = lab.site(NatKind.PORT_RESTRICTED_CONE); LabSite d = lab.site(NatKind.SYMMETRIC)) {
			countTraffic(c, d);
			try (LabNode carol = LabNode.start("carol", c, lab, false);
					LabNode dave = LabNode.start("dave", d, lab, true)) {
				String[] relayed = dave.relayedAddress().split(":");
				String dial = "connect " + relayed[0] + " " + relayed[1] + " DIRECT";
				// RFC 8656 section 9: the TURN server lets in only peers whose IP holds a permission.
				carol.request(dial, "CONNECT-FAILED .*");
				dave.request("permit " + c.publicAddress(), "PERMITTED .*");
				carol.request(dial, "CONNECTED " + dave.peerId() + " DIRECT");
				assertPeerOverTurn(dave, carol.peerId());
				carol.request("send " + dave.peerId() + " hello-dave", "SENT \\S+");
				dave.awaitReceived(carol.peerId(), "hello-dave");
				dave.request("send " + carol.peerId() + " hello-carol", "SENT \\S+");
				carol.awaitReceived(dave.peerId(), "hello-carol");
				assertThat(c.edgeRouter().packets(SITE_TO_SITE)).as("packets between carol's and dave's sites").isZero();
			}
		}
	}

	private static void countTraffic(LabSite site, LabSite other) {
		site.edgeRouter().countTrafficWith(SITE_TO_SITE, other.publicAddress() + "/32");
		site.edgeRouter().countTrafficWith(TO_RELAY, NatLab.RELAY_ADDRESSES);
	}

	private static void assertPeerOverTurn(LabNode node, String peerId) {
		node.request("peers", "PEERS 1");
		assertThat(node.process().output()).as(node + " sees " + peerId + " over the relay, encrypted")
			.anyMatch((line) -> line.startsWith("PEER " + peerId + " path=turn encrypted=true "));
	}

}
