package io.librats.dht;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with a second implementation nobody here wrote: Transmission's DHT (Debian's {@code transmission-daemon}
 * 3.00, which embeds Juliusz Chroboczek's dht library), over IPv4 and IPv6 (BEP 32). Unlike libtorrent 2.0 it sends
 * us {@code ping} (to the nodes it bootstraps from) and {@code find_node} (its neighbourhood maintenance, seconds
 * after its first nodes answer), so this test proves both directions of every BEP 5 query.
 *
 * <p>Everything runs inside a fresh network namespace with only {@code lo} up: Transmission as a child process, our
 * nodes (12 per family) in a child JVM ({@link DhtNodeMain}). That dht library drops every packet from 127/8 and
 * {@code ::1} and never adds such a node ("martian"), and Transmission speaks IPv6 only from a global unicast
 * address, so {@code lo} there also carries 10.88.0.0/24 and 2001:db8:88::1 (Transmission) and fd88::10 up (ours),
 * with a default IPv6 route into {@code lo} for Transmission's check of its address (a UDP connect, which sends
 * nothing): all local, nothing routed anywhere. Transmission is told about five of our nodes per family, in its
 * saved state ({@code dht.dat}) and its {@code dht.bootstrap} file; it can learn the others only from our answers.
 * Its built-in public fallback router (tried 20-60 s after start while its table is small)
 * does not even resolve inside the namespace. Every DHT message Transmission handles is printed
 * ({@code TR_DHT_VERBOSE}) with its debug log. Skipped only when transmission-daemon or transmission-remote is
 * missing, which {@code CI=true} turns into a failure ({@code .ci/install} installs both).
 *
 * <p>25-50 s on 2 busy cores, most of it Transmission's own timers: it pings its saved nodes 1-3 s apart, takes up a
 * new torrent 0-20 s after it is added (once its table holds at least 9 nodes), and sends {@code announce_peer}
 * 10-20 s after its {@code get_peers}.
 */
class DhtTransmissionInteropTest {

	private static final Duration WAIT = Duration.ofSeconds(45);

	/** Fixed ports are safe here: they are bound inside this test's own namespace, where nothing else runs. */
	private static final int TRANSMISSION_PORT = 51413;

	private static final int RPC_PORT = 9091;

	private static final int NODES_PER_FAMILY = 12;

	/** Our nodes per family that Transmission is told about; it must learn the others from our answers. */
	private static final int TOLD = 5;

	/** The TCP port our nodes announce: nothing listens there, Transmission's connection attempts are refused. */
	private static final int OUR_PEER_PORT = 7777;

	/** The TCP port our nodes announce to Transmission under Transmission's own id. */
	private static final int OUR_OTHER_PEER_PORT = 7778;

	/** Lines in Transmission's DHT log that mean it could not use a message of ours. */
	private static final List<String> COMPLAINTS = List.of("Unparseable message", "Truncated message",
			"Broken node truncates transaction ids", "Blacklisting broken node", "Unexpected reply",
			"Unexpected length for node info", "unexpected end for");

	private static final Family IPV4 = new Family("IPv4", "10.88.0.1", 0);

	private static final Family IPV6 = new Family("IPv6", "2001:db8:88::1", NODES_PER_FAMILY);

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void pingFindNodeGetPeersAndAnnounceWorkBothWaysOverBothFamilies(@TempDir Path dir) throws Exception {
		Assumptions.assumeTrue(installed("transmission-daemon") && installed("transmission-remote"),
				"transmission-daemon/transmission-remote are not installed (.ci/install installs them)");
		try (Netns netns = Netns.create("rt-trdht")) {
			List<String> addresses = Stream.concat(
					IntStream.range(0, NODES_PER_FAMILY).mapToObj((i) -> "10.88.0." + (10 + i)),
					IntStream.range(0, NODES_PER_FAMILY).mapToObj((i) -> "fd88::" + (10 + i)))
				.toList();
			addAddresses(netns, addresses);
			NetnsProcess ours = netns.startJava("rats-dht", DhtNodeMain.class, List.of(),
					addresses.toArray(String[]::new));
			ours.awaitLine("^READY", WAIT);
			List<OurNode> nodes = ourNodes(ours, addresses.size());
			// Transmission is told about the five of our nodes per family farthest from the id we give it: the
			// nodes its neighbourhood maintenance asks for (those closest to its id) are then all new to it, so
			// that our first find_node answer already makes its table big enough to announce (at least 9 nodes)
			NodeId transmissionId = NodeId.random();
			List<OurNode> told4 = IPV4.farthest(nodes, transmissionId);
			List<OurNode> told6 = IPV6.farthest(nodes, transmissionId);

			// an infohash our nodes announce before Transmission exists; Transmission will look it up and announce it
			String infohash = HexFormat.of().formatHex(NodeId.random().toBytes());
			assertThat(announce(ours, infohash, OUR_PEER_PORT)).containsOnly(true);

			Path config = writeConfig(dir, transmissionId, told4, told6);
			NetnsProcess transmission = netns.start("transmission", List.of("env", "TR_DHT_VERBOSE=1",
					"transmission-daemon", "--foreground", "--config-dir", config.toString(), "--log-debug"));
			try {
				transmission.awaitLine("RPC Server Started listening", WAIT);
				assertThat(remote(netns, "--add", "magnet:?xt=urn:btih:" + infohash)).contains("success");

				transmissionBootstrapsFromUs(ours, transmission, IPV4, told4);
				transmissionBootstrapsFromUs(ours, transmission, IPV6, told6);
				// we query it while its torrent's turn comes (0-20 s after the add) and its announce_peer follows
				// (10-20 s after its get_peers)
				weQueryTransmission(ours, transmission, transmissionId, nodes, infohash);
				transmissionAnnouncesThroughUs(ours, transmission, IPV4, infohash);
				transmissionAnnouncesThroughUs(ours, transmission, IPV6, infohash);

				// our lookups find Transmission's announces of its torrent, and ours
				List<String> peers = list(ask(ours, "get_peers " + infohash, "PEERS"), "^PEERS \\S+ (\\S*)$");
				assertThat(peers).contains(IPV4.transmission(), IPV6.transmission(),
						IPV4.ours(nodes, OUR_PEER_PORT), IPV6.ours(nodes, OUR_PEER_PORT));

				String metrics = ours.request("metrics", "^METRICS .*", WAIT).group();
				assertThat(metrics).contains(DhtMetrics.PACKETS_MALFORMED + "=0", DhtMetrics.QUERIES_INVALID + "=0");
				assertThat(ours.output()).noneMatch((line) -> line.startsWith("QUERY ") && line.contains(" error="));
				assertThat(transmission.output()).noneMatch((line) -> COMPLAINTS.stream().anyMatch(line::contains));
			}
			finally {
				stop(netns, transmission);
			}
		}
	}

	/**
	 * 10.88.0.0/24 on {@code lo} makes every address in it local; IPv6 addresses are added one by one, and a default
	 * route into {@code lo} lets Transmission find its global IPv6 address.
	 */
	private static void addAddresses(Netns netns, List<String> ours) {
		netns.exec("ip", "addr", "add", IPV4.transmissionIp() + "/24", "dev", "lo");
		netns.exec("ip", "-6", "addr", "add", IPV6.transmissionIp() + "/128", "dev", "lo", "nodad");
		for (String address : ours) {
			if (address.contains(":")) {
				netns.exec("ip", "-6", "addr", "add", address + "/128", "dev", "lo", "nodad");
			}
		}
		netns.exec("ip", "-6", "route", "add", "default", "dev", "lo");
	}

	/** Transmission pings and find_nodes the nodes it is told about, and queries the nodes they tell it about. */
	private static void transmissionBootstrapsFromUs(NetnsProcess ours, NetnsProcess transmission, Family family,
			List<OurNode> told) {
		String from = family.answeredFrom();
		// dht.dat nodes are pinged one after another, then the dht.bootstrap ones: "Pong!" is our answer accepted
		for (OurNode node : told) {
			ours.awaitLine("^QUERY " + node.index() + " ping" + from, WAIT);
		}
		transmission.awaitLine("^Pong!", WAIT);
		// neighbourhood maintenance: find_node for an id next to its own, to a node that answered its ping
		ours.awaitLine("^QUERY \\d+ find_node" + from, WAIT);
		transmission.awaitLine("^Sending find_node for" + ((family == IPV6) ? " IPv6" : "") + " neighborhood", WAIT);
		transmission.awaitLine((family == IPV6) ? "^Nodes found \\(0\\+[1-8]\\)!" : "^Nodes found \\([1-8]\\+0\\)!",
				WAIT);
		// it queries nodes it can only know from our find_node and get_peers answers
		String learnedOnly = IntStream.range(family.firstIndex(), family.firstIndex() + NODES_PER_FAMILY)
			.filter((i) -> told.stream().noneMatch((node) -> node.index() == i))
			.mapToObj(Integer::toString)
			.reduce((a, b) -> a + "|" + b)
			.orElseThrow();
		ours.awaitLine("^QUERY (" + learnedOnly + ") \\S+" + from, WAIT);
	}

	/** Transmission looks up and announces its torrent through our nodes. */
	private static void transmissionAnnouncesThroughUs(NetnsProcess ours, NetnsProcess transmission, Family family,
			String infohash) {
		String from = family.answeredFrom();
		// a get_peers search (our stored peer is in the answers), then announce_peer with our tokens
		ours.awaitLine("^QUERY \\d+ get_peers" + from + " info_hash=" + infohash, WAIT);
		ours.awaitLine("^QUERY \\d+ announce_peer" + from + " info_hash=" + infohash + " port=" + TRANSMISSION_PORT,
				WAIT);
		transmission.awaitLine("Learned \\d+ " + family.name() + " peers from DHT", WAIT);
		// it announces only with a "poor" table or better: at least 4 good and 9 known nodes, all of them ours
		Matcher announce = transmission
			.awaitLine("Starting " + family.name() + " DHT announce \\((\\w+), (\\d+) nodes\\)", WAIT);
		assertThat(Integer.parseInt(announce.group(2))).isGreaterThan(TOLD);
	}

	/** Our nodes ping, find_node and get_peers Transmission, and announce to it, over each family. */
	private static void weQueryTransmission(NetnsProcess ours, NetnsProcess transmission, NodeId transmissionId,
			List<OurNode> nodes, String infohash) {
		for (Family family : List.of(IPV4, IPV6)) {
			String target = family.transmissionIp() + " " + TRANSMISSION_PORT;
			// it answers with the id of the dht.dat we wrote
			assertThat(ask(ours, "ping " + target, "PONG")).endsWith(" id=" + transmissionId.toHex());
			// its find_node answer: nodes of its table in this family, which are ours
			List<String> found = list(ask(ours, "find_node " + target, "NODES"), "^NODES \\S+ id=\\S+ (\\S*)$");
			assertThat(found).isNotEmpty().isSubsetOf(family.all(nodes));
			// its get_peers answer: a token and nodes (nobody announced this infohash to Transmission itself)
			String answer = ask(ours, "get_peers " + infohash + " " + target, "GOT_PEERS");
			assertThat(answer).doesNotContain(" token=0 ");
			assertThat(list(answer, ".* nodes=(\\S*)$")).isNotEmpty();
		}

		// we announce under Transmission's own id, so that Transmission is the closest node and takes the announce
		// with the token it gave us; its get_peers answers then carry our peers
		int logged = transmission.lineCount();
		assertThat(announce(ours, transmissionId.toHex(), OUR_OTHER_PEER_PORT)).containsOnly(true);
		transmission.awaitLine(Pattern.compile("^Announce peer!"), logged, WAIT);
		for (Family family : List.of(IPV4, IPV6)) {
			String values = ask(ours, "get_peers " + transmissionId.toHex() + " " + family.transmissionIp() + " "
					+ TRANSMISSION_PORT, "GOT_PEERS");
			assertThat(list(values, ".* values=(\\S*) nodes=.*")).contains(family.ours(nodes, OUR_OTHER_PEER_PORT));
		}
	}

	private static Path writeConfig(Path dir, NodeId id, List<OurNode> told4, List<OurNode> told6) throws Exception {
		Path config = Files.createDirectories(dir.resolve("config"));
		Path downloads = Files.createDirectories(dir.resolve("downloads"));
		Files.writeString(config.resolve("settings.json"), """
				{
				  "dht-enabled": true,
				  "lpd-enabled": false,
				  "utp-enabled": false,
				  "pex-enabled": false,
				  "port-forwarding-enabled": false,
				  "blocklist-enabled": false,
				  "bind-address-ipv4": "%s",
				  "bind-address-ipv6": "%s",
				  "peer-port": %d,
				  "peer-port-random-on-start": false,
				  "rpc-enabled": true,
				  "rpc-bind-address": "127.0.0.1",
				  "rpc-port": %d,
				  "rpc-authentication-required": false,
				  "rpc-whitelist-enabled": true,
				  "rpc-whitelist": "127.0.0.1",
				  "rpc-host-whitelist-enabled": false,
				  "download-dir": "%s",
				  "incomplete-dir-enabled": false,
				  "watch-dir-enabled": false,
				  "message-level": 3
				}
				""".formatted(IPV4.transmissionIp(), IPV6.transmissionIp(), TRANSMISSION_PORT, RPC_PORT, downloads));
		// Transmission's saved DHT state (bencoded {id, nodes, nodes6}): at start it pings these nodes, 1-3 s apart;
		// one IPv4 node goes into dht.bootstrap instead ("host port" lines it pings next, while its table is not
		// yet "firewalled", 40 good nodes)
		Files.write(config.resolve("dht.dat"), Bencode.encode(Map.of("id", id.toBytes(), "nodes",
				compact(told4.subList(0, TOLD - 1)), "nodes6", compact(told6))));
		InetSocketAddress bootstrap = told4.get(TOLD - 1).address();
		Files.writeString(config.resolve("dht.bootstrap"),
				bootstrap.getAddress().getHostAddress() + " " + bootstrap.getPort() + "\n");
		return config;
	}

	private static byte[] compact(List<OurNode> nodes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		nodes.forEach((node) -> out.writeBytes(Compact.peer(node.address())));
		return out.toByteArray();
	}

	private static List<OurNode> ourNodes(NetnsProcess ours, int count) {
		List<OurNode> nodes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Matcher node = ours.awaitLine("^NODE " + i + " \\[?([0-9a-f.:]+)\\]?:(\\d+) ([0-9a-f]{40})$", WAIT);
			nodes.add(new OurNode(i, new InetSocketAddress(node.group(1), Integer.parseInt(node.group(2))),
					NodeId.fromHex(node.group(3))));
		}
		return nodes;
	}

	/** Sends a {@link DhtNodeMain} command and returns its answer, which must start with {@code keyword}. */
	private static String ask(NetnsProcess ours, String command, String keyword) {
		String answer = ours.request(command, "^(" + keyword + "|NO_ANSWER|ERROR) .*", WAIT).group();
		assertThat(answer).startsWith(keyword + " ");
		return answer;
	}

	/** Announces through our entry nodes; returns, per family, whether any node accepted. */
	private static List<Boolean> announce(NetnsProcess ours, String infohash, int port) {
		String answer = ask(ours, "announce " + infohash + " " + port, "ANNOUNCED");
		assertThat(answer).matches("^ANNOUNCED \\S+ ipv4=\\d+ ipv6=\\d+$");
		return Arrays.stream(answer.split(" ")).skip(2).map((count) -> !count.endsWith("=0")).toList();
	}

	/** The comma-separated list in the first group of {@code regex} matched against {@code line}. */
	private static List<String> list(String line, String regex) {
		assertThat(line).matches(regex);
		String items = line.replaceAll(regex, "$1");
		return items.isEmpty() ? List.of() : Arrays.asList(items.split(","));
	}

	private static String remote(Netns netns, String... args) {
		List<String> command = new ArrayList<>(List.of("transmission-remote", "127.0.0.1:" + RPC_PORT));
		command.addAll(List.of(args));
		return netns.exec(command.toArray(String[]::new));
	}

	/** Asks Transmission to close its session (it logs how it leaves the DHT); the namespace kills what is left. */
	private static void stop(Netns netns, NetnsProcess transmission) {
		if (!transmission.isAlive()) {
			return;
		}
		try {
			remote(netns, "--exit");
			transmission.awaitLine("Closing transmission session\\.\\.\\. done", Duration.ofSeconds(15));
		}
		catch (RuntimeException | AssertionError ex) {
			System.out.println("transmission did not stop on request (the namespace kills it): " + ex.getMessage());
		}
	}

	private static boolean installed(String command) {
		return Files.isExecutable(Path.of("/usr/bin", command));
	}

	/** One of the nodes {@link DhtNodeMain} runs; {@code index} is its position on the command line. */
	private record OurNode(int index, InetSocketAddress address, NodeId id) {
	}

	/**
	 * One address family: Transmission's address in it, and where its 12 nodes start among ours (the first is the
	 * family's entry node, which sends {@link DhtNodeMain}'s commands).
	 */
	private record Family(String name, String transmissionIp, int firstIndex) {

		/** Transmission's address as our nodes print it. */
		String transmission() {
			return Compact.format(new InetSocketAddress(this.transmissionIp, TRANSMISSION_PORT));
		}

		/** How a query from Transmission that our node answered ends in {@link DhtNodeMain}'s output. */
		String answeredFrom() {
			return " " + Pattern.quote(transmission()) + " ok";
		}

		List<OurNode> of(List<OurNode> nodes) {
			return nodes.subList(this.firstIndex, this.firstIndex + NODES_PER_FAMILY);
		}

		List<String> all(List<OurNode> nodes) {
			return of(nodes).stream().map((node) -> Compact.format(node.address())).toList();
		}

		/** The entry node's host with {@code port}, as announced by it. */
		String ours(List<OurNode> nodes, int port) {
			return Compact.format(new InetSocketAddress(of(nodes).get(0).address().getAddress(), port));
		}

		/** Our nodes of this family farthest from {@code id}, farthest first. */
		List<OurNode> farthest(List<OurNode> nodes, NodeId id) {
			return of(nodes).stream().sorted((a, b) -> NodeId.closerTo(id, b.id(), a.id())).limit(TOLD).toList();
		}

	}

}
