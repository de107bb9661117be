package io.librats.mdns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;
import io.librats.testsupport.netns.VethLink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What two nodes put on the wire, captured by tshark (Wireshark's dissector, not our decoder) with a capture filter
 * on the test's own veth: three probes 250 ms apart, continuous queries whose intervals double (0.25, 0.5, 1, 2, 4 s), and known-answer
 * suppression (a query that lists the peer's PTR gets no answer from it, while a query without it does).
 */
class MdnsCaptureTest {

	private static final Duration WAIT = MdnsLanTest.WAIT;

	private static final String A = "10.80.0.1";

	private static final String B = "10.80.0.2";

	/** One captured mDNS packet, as tshark dissected it. */
	record Packet(double time, String source, boolean response, int questions, int answers, int authorities,
			String questionNames, String questionTypes, String answerNames, String answerTypes, String pointers) {

		static Packet parse(String line) {
			String[] f = line.split("\t", -1);
			return new Packet(Double.parseDouble(f[0]), f[1], "1".equals(f[2]) || "True".equalsIgnoreCase(f[2]),
					number(f[3]), number(f[4]), number(f[5]), f[6], f[7], f[8], f[9], f[10]);
		}

		private static int number(String field) {
			return field.isEmpty() ? 0 : Integer.parseInt(field);
		}

		boolean isBrowseQuery() {
			return !this.response && this.authorities == 0 && this.questions == 1
					&& this.questionNames.equals("_rats._tcp.local") && this.questionTypes.equals("12");
		}

		boolean answersBrowse() {
			return this.response && this.answerNames.contains("_rats._tcp.local");
		}

	}

	@Test
	void captureShowsProbesQueryBackOffAndKnownAnswerSuppression() throws IOException {
		Path dir = Files.createTempDirectory("rats-mdns-capture");
		Path pcap = dir.resolve("mdns.pcap");
		try (Netns a = Netns.create("rmt-a"); Netns b = Netns.create("rmt-b")) {
			VethLink.connect(a, "eth0", A + "/24", b, "eth0", B + "/24");
			NetnsProcess tshark = a.start("tshark", List.of("tshark", "-i", "eth0", "-f", "udp port 5353", "-w",
					pcap.toString()));
			tshark.awaitLine("Capturing on", WAIT);
			NetnsProcess nodeA = a.startJava("A", MdnsNodeMain.class, List.of(), "query=250", "ipv6=false");
			String idA = MdnsLanTest.ready(nodeA);
			NetnsProcess nodeB = b.startJava("B", MdnsNodeMain.class, List.of(), "query=250", "ipv6=false");
			String idB = MdnsLanTest.ready(nodeB);
			nodeA.awaitLine("FOUND " + idB, WAIT);
			nodeB.awaitLine("FOUND " + idA, WAIT);

			// Six browse queries from A: 250 ms, then 0.5, 1, 2 and 4 s apart.
			List<Packet> packets = new ArrayList<>();
			await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
				packets.clear();
				packets.addAll(read(a, pcap));
				return packets.stream().filter((p) -> p.source().equals(A) && p.isBrowseQuery()).count() >= 6;
			});
			packets.forEach((p) -> System.out.println("[capture] " + p));

			List<Packet> probes = packets.stream()
				.filter((p) -> p.source().equals(A) && !p.response() && p.authorities() > 0)
				.toList();
			assertThat(probes).as("A's probes").hasSize(3);
			for (int i = 1; i < 3; i++) {
				assertThat(probes.get(i).time() - probes.get(i - 1).time()).as("time between probes").isBetween(0.225, 2.5);
			}
			assertThat(probes.get(0).questionNames()).contains("_rats._tcp.local", "rats-" + idA.substring(0, 12) + ".local");

			// Intervals of 0.25, 0.5, 1, 2 and 4 s. A busy machine can only make a timer fire late, and a late query
			// starts the next interval late, so each interval is at least 90 % of its nominal value (which is what
			// shows the back-off); the upper bound is only a sanity bound, since a shared CI machine can stall a
			// child JVM for a second or two.
			List<Packet> queries = packets.stream().filter((p) -> p.source().equals(A) && p.isBrowseQuery()).toList();
			for (int i = 1; i < 6; i++) {
				double nominal = 0.25 * (1 << (i - 1));
				assertThat(queries.get(i).time() - queries.get(i - 1).time()).as("interval %d (nominal %s s)", i, nominal)
					.isBetween(nominal * 0.9, nominal + 2.5);
			}

			// A's later queries list B's PTR as a known answer, and B does not answer them.
			String instanceB = "-" + idB.substring(0, 6);
			List<Packet> withKnownB = queries.stream().filter((q) -> q.pointers().contains(instanceB)).toList();
			assertThat(withKnownB).as("queries of A listing B's PTR").isNotEmpty();
			Packet last = withKnownB.get(withKnownB.size() - 1);
			assertThat(packets).filteredOn((p) -> p.source().equals(B) && p.answersBrowse() && p.time() > last.time()
					&& p.time() < last.time() + 1.0)
				.as("answers of B to a query that already lists B's PTR")
				.isEmpty();
			// Control: B's first browse query, listing nothing of A's, is answered by A with A's PTR.
			Packet firstOfB = packets.stream().filter((p) -> p.source().equals(B) && p.isBrowseQuery()).findFirst()
				.orElseThrow();
			assertThat(firstOfB.pointers()).doesNotContain("-" + idA.substring(0, 6));
			assertThat(packets).filteredOn((p) -> p.source().equals(A) && p.answersBrowse() && p.time() > firstOfB.time()
					&& p.time() < firstOfB.time() + 1.0)
				.as("A's answer to B's first query")
				.isNotEmpty();
		}
		finally {
			try (Stream<Path> files = Files.walk(dir)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	/** The capture so far, one packet per line: tshark reads the file while the capture still writes it. */
	private static List<Packet> read(Netns netns, Path pcap) {
		Netns.Commands.Result result = netns.run("tshark", "-r", pcap.toString(), "-Y", "ip && mdns", "-T", "fields",
				"-e", "frame.time_relative", "-e", "ip.src", "-e", "dns.flags.response", "-e", "dns.count.queries",
				"-e", "dns.count.answers", "-e", "dns.count.auth_rr", "-e", "dns.qry.name", "-e", "dns.qry.type",
				"-e", "dns.resp.name", "-e", "dns.resp.type", "-e", "dns.ptr.domain_name");
		List<Packet> packets = new ArrayList<>();
		for (String line : result.output().split("\n")) {
			if (line.matches("^[0-9.]+\t.*")) {
				packets.add(Packet.parse(line));
			}
		}
		return packets;
	}

}
