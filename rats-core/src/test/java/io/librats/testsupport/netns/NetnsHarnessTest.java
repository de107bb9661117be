package io.librats.testsupport.netns;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The namespace harness itself: wiring, child processes talking across it, and cleanup. */
class NetnsHarnessTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void childProcessesTalkOverAVethPairInBothFamiliesAndEverythingIsRemovedAfterwards() {
		String nameA;
		long serverPid;
		try (Netns a = Netns.create("rt-harness-a"); Netns b = Netns.create("rt-harness-b")) {
			nameA = a.name();
			VethLink.connect(a, "eth0", "10.77.0.1/24", b, "eth0", "10.77.0.2/24");
			VethLink.addAddress(a, "eth0", "fd77::1/64");
			VethLink.addAddress(b, "eth0", "fd77::2/64");
			assertThat(a.exec("ip", "-o", "addr", "show", "dev", "eth0")).contains("10.77.0.1/24", "fd77::1/64");
			// DAD is off, so no address waits "tentative" for seconds; a loaded kernel may still take a moment
			await().atMost(WAIT).until(() -> !a.exec("ip", "-o", "addr", "show", "dev", "eth0").contains("tentative"));

			NetnsProcess server = a.startJava("echo", UdpEchoMain.class, List.of(), "server", "::");
			serverPid = server.pid();
			String port = server.awaitLine("LISTENING (\\d+)", WAIT).group(1);
			for (String target : List.of("10.77.0.1", "fd77::1")) {
				try (NetnsProcess client = b.startJava("client", UdpEchoMain.class, List.of(), "client", target, port)) {
					assertThat(client.awaitLine("ECHO|TIMEOUT", WAIT).group()).isEqualTo("ECHO");
				}
			}
			// The lab's addresses live only in its namespaces, never on the host's own interfaces.
			assertThat(Netns.Commands.run(List.of("ip", "-o", "addr"), WAIT).output()).doesNotContain("10.77.0.");
		}
		assertThat(Netns.Commands.run(List.of("ip", "netns", "list"), WAIT).output()).doesNotContain(nameA);
		assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
	}

	@Test
	void threeNamespacesOnOneSwitchSeeEachOther() {
		try (LanSwitch lan = LanSwitch.create("rt-harness-sw"); Netns a = Netns.create("rt-harness-1");
				Netns b = Netns.create("rt-harness-2"); Netns c = Netns.create("rt-harness-3")) {
			lan.attach(a, "eth0", "10.78.0.1/24");
			lan.attach(b, "eth0", "10.78.0.2/24");
			lan.attach(c, "eth0", "10.78.0.3/24");
			NetnsProcess server = a.startJava("echo", UdpEchoMain.class, List.of(), "server", "0.0.0.0");
			String port = server.awaitLine("LISTENING (\\d+)", WAIT).group(1);
			for (Netns client : List.of(b, c)) {
				try (NetnsProcess echo = client.startJava("client", UdpEchoMain.class, List.of(), "client", "10.78.0.1",
						port)) {
					assertThat(echo.awaitLine("ECHO \\S+ FROM (\\S+)|TIMEOUT", WAIT).group(1)).isEqualTo("10.78.0.1");
				}
			}
		}
	}

}
