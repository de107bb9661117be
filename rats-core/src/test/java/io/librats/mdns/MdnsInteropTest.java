package io.librats.mdns;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;
import io.librats.testsupport.netns.VethLink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with jmDNS (an independent mDNS/DNS-SD implementation) across a veth pair between two namespaces: jmDNS
 * browses and resolves our advertised service with the right SRV and TXT, and we resolve the service it advertises.
 */
class MdnsInteropTest {

	private static final Duration WAIT = MdnsLanTest.WAIT;

	@Test
	void jmdnsSeesOurServiceAndWeSeeItsService() {
		try (Netns a = Netns.create("rmj-a"); Netns b = Netns.create("rmj-b")) {
			VethLink.connect(a, "eth0", "10.81.0.1/24", b, "eth0", "10.81.0.2/24");
			String jmdnsPeerId = "ab".repeat(20);
			// jmDNS splits the names it writes on every dot, so its own instance name must not contain one (a dotted
			// name would go out as two labels, not an instance of _rats._tcp). It reads our dotted label correctly.
			NetnsProcess jmdns = b.startJava("jmdns", JmdnsMain.class, List.of(), "10.81.0.2", "jm service", "4242",
					jmdnsPeerId);
			jmdns.awaitLine("REGISTERED", WAIT);
			NetnsProcess node = MdnsLanTest.startNode(a, "rats", "name=rats interop.node");
			Matcher ready = node.awaitLine("READY (\\S+) (\\d+)", WAIT);
			String peerId = ready.group(1);
			String port = ready.group(2);

			// jmDNS resolves our instance (a name with a space and a dot) to our host, TCP port, TXT and address.
			Matcher seen = jmdns.awaitLine("RESOLVED rats_interop\\.node (\\S+) (\\d+) " + peerId
					+ " (\\S+) (\\S+) \\[.*/10\\.81\\.0\\.1[,\\]]", WAIT);
			assertThat(seen.group(1)).isEqualTo("rats-" + peerId.substring(0, 12) + ".local.");
			assertThat(seen.group(2)).isEqualTo(port);
			assertThat(seen.group(3)).as("TXT v").isEqualTo("1");
			assertThat(seen.group(4)).as("TXT ns").isEqualTo("rats");

			// We resolve jmDNS's instance: its SRV port, its address and its TXT peer id and namespace.
			node.awaitLine("FOUND " + jmdnsPeerId + " jm_service 10\\.81\\.0\\.2 4242 rats", WAIT);

			// Our goodbye reaches jmDNS.
			node.request("stop", "STOPPED", WAIT);
			jmdns.awaitLine("REMOVED rats interop\\.node", WAIT);
		}
	}

}
