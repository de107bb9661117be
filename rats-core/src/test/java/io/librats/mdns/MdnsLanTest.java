package io.librats.mdns;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.librats.testsupport.netns.LanSwitch;
import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;
import io.librats.testsupport.netns.VethLink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rats nodes with mDNS discovery, each a child JVM in a network namespace of its own (multicast never touches this
 * machine's real interfaces): they find and connect to each other over IPv4, and over IPv6 alone; a third node
 * joining is seen by both; a stopped node's goodbye removes it; two nodes wanting the same name end with one
 * renamed.
 */
class MdnsLanTest {

	static final Duration WAIT = Duration.ofSeconds(20);

	/** Short timers so a test takes seconds: 200 ms first query interval, 200 ms between announcements. */
	static final List<String> FAST = List.of("query=200", "announce=200", "poll=1000");

	static NetnsProcess startNode(Netns netns, String label, String... extra) {
		List<String> args = new java.util.ArrayList<>(FAST);
		args.addAll(List.of(extra));
		return netns.startJava(label, MdnsNodeMain.class, List.of(), args.toArray(String[]::new));
	}

	static String ready(NetnsProcess node) {
		return node.awaitLine("READY (\\S+) (\\d+)", WAIT).group(1);
	}

	/**
	 * Both found each other at the expected address and are connected. Both report the peer to the node, but only
	 * a node not yet connected dials, so DISCOVERED (the node's discovery event) is required of one side only.
	 */
	static void foundAndConnected(NetnsProcess a, String idA, String addressA, NetnsProcess b, String idB,
			String addressB) {
		a.awaitLine("FOUND " + idB + " \\S+ " + Pattern.quote(addressB) + " \\d+ rats", WAIT);
		b.awaitLine("FOUND " + idA + " \\S+ " + Pattern.quote(addressA) + " \\d+ rats", WAIT);
		a.awaitLine("CONNECTED " + idB, WAIT);
		b.awaitLine("CONNECTED " + idA, WAIT);
		assertThat(a.output().stream().anyMatch((l) -> l.startsWith("DISCOVERED " + idB + " " + addressB + " "))
				|| b.output().stream().anyMatch((l) -> l.startsWith("DISCOVERED " + idA + " " + addressA + " ")))
			.as("a discovery event with the peer's address").isTrue();
	}

	@Test
	void nodesOnALanFindEachOtherConnectSeeANewcomerAndItsGoodbye() {
		try (LanSwitch lan = LanSwitch.create("rm-lan"); Netns a = Netns.create("rm-a"); Netns b = Netns.create("rm-b");
				Netns c = Netns.create("rm-c")) {
			lan.attach(a, "eth0", "10.79.0.1/24", "fd79::1/64");
			lan.attach(b, "eth0", "10.79.0.2/24", "fd79::2/64");
			lan.attach(c, "eth0", "10.79.0.3/24", "fd79::3/64");
			NetnsProcess nodeA = startNode(a, "A");
			NetnsProcess nodeB = startNode(b, "B");
			String idA = ready(nodeA);
			String idB = ready(nodeB);
			foundAndConnected(nodeA, idA, "10.79.0.1", nodeB, idB, "10.79.0.2");

			NetnsProcess nodeC = startNode(c, "C");
			String idC = ready(nodeC);
			nodeA.awaitLine("FOUND " + idC + " \\S+ 10\\.79\\.0\\.3 \\d+ rats", WAIT);
			nodeB.awaitLine("FOUND " + idC + " \\S+ 10\\.79\\.0\\.3 \\d+ rats", WAIT);
			nodeC.awaitLine("FOUND " + idA, WAIT);
			nodeC.awaitLine("FOUND " + idB, WAIT);
			nodeA.awaitLine("CONNECTED " + idC, WAIT);

			nodeC.request("stop", "STOPPED", WAIT);
			nodeA.awaitLine("GONE " + idC, WAIT);
			nodeB.awaitLine("GONE " + idC, WAIT);
			assertThat(nodeA.request("services", "END", WAIT).group()).isEqualTo("END");
			assertThat(nodeA.output()).anyMatch((line) -> line.startsWith("SERVICE " + idB));
		}
	}

	@Test
	void nodesWithoutIpv4FindEachOtherAndConnectOverIpv6() {
		try (Netns a = Netns.create("rm6-a"); Netns b = Netns.create("rm6-b")) {
			VethLink.connect(a, "eth0", "fd7a::1/64", b, "eth0", "fd7a::2/64");
			assertThat(a.exec("ip", "-4", "addr", "show", "dev", "eth0")).doesNotContain("inet ");
			NetnsProcess nodeA = startNode(a, "A6");
			NetnsProcess nodeB = startNode(b, "B6");
			String idA = ready(nodeA);
			String idB = ready(nodeB);
			foundAndConnected(nodeA, idA, "fd7a::1", nodeB, idB, "fd7a::2");
		}
	}

	@Test
	void anInterfaceThatComesUpIsUsedAndOneThatGoesIsForgotten() {
		try (Netns a = Netns.create("rmi-a"); Netns b = Netns.create("rmi-b")) {
			NetnsProcess nodeA = startNode(a, "Ai");
			String idA = ready(nodeA);
			// A started with no interface but lo; the link appears afterwards and is picked up by the next poll.
			VethLink.connect(a, "eth0", "10.83.0.1/24", b, "eth0", "10.83.0.2/24");
			NetnsProcess nodeB = startNode(b, "Bi");
			String idB = ready(nodeB);
			foundAndConnected(nodeA, idA, "10.83.0.1", nodeB, idB, "10.83.0.2");
			a.exec("ip", "link", "del", "eth0");
			nodeA.awaitLine("GONE " + idB, WAIT);
		}
	}

	@Test
	void twoNodesWantingOneNameEndWithOneRenamed() {
		try (Netns a = Netns.create("rmc-a"); Netns b = Netns.create("rmc-b")) {
			VethLink.connect(a, "eth0", "10.82.0.1/24", b, "eth0", "10.82.0.2/24");
			NetnsProcess nodeA = startNode(a, "twinA", "name=twin");
			NetnsProcess nodeB = startNode(b, "twinB", "name=twin");
			String idA = ready(nodeA);
			String idB = ready(nodeB);
			Pattern renamed = Pattern.compile("^NAME twin \\(2\\)$");
			await().atMost(WAIT).until(() -> nodeA.output().stream().anyMatch((l) -> renamed.matcher(l).find())
					|| nodeB.output().stream().anyMatch((l) -> renamed.matcher(l).find()));
			NetnsProcess loser = nodeA.output().stream().anyMatch((l) -> renamed.matcher(l).find()) ? nodeA : nodeB;
			NetnsProcess winner = (loser == nodeA) ? nodeB : nodeA;
			String loserId = (loser == nodeA) ? idA : idB;
			// Each sees the other under its final name: one "twin", one "twin (2)".
			winner.awaitLine("FOUND " + loserId + " twin_\\(2\\) ", WAIT);
			loser.awaitLine("FOUND " + ((loser == nodeA) ? idB : idA) + " twin ", WAIT);
			assertThat(winner.output()).contains("NAME twin").noneMatch((l) -> renamed.matcher(l).find());
		}
	}

}
