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

import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with a second implementation nobody here wrote: Transmission's DHT (Debian's {@code transmission-daemon}
 * 3.00, which embeds Juliusz Chroboczek's dht library). Unlike libtorrent 2.0 it sends us {@code ping} (to the nodes
 * it bootstraps from) and {@code find_node} (its neighbourhood maintenance, a few seconds after its first nodes
 * answer), so this test proves both directions of every BEP 5 query.
 *
 * <p>Everything runs inside a fresh network namespace with only {@code lo} up: Transmission as a child process, our
 * nodes in a child JVM ({@link DhtNodeMain}). That dht library drops every packet from 127/8 and never adds such a
 * node ("martian"), so {@code lo} there also carries 10.88.0.0/24 (all of it local, nothing routed anywhere):
 * Transmission on 10.88.0.1, our nodes on 10.88.0.10 and up. Transmission is told about four of our nodes in its
 * saved state ({@code dht.dat}) and one in {@code dht.bootstrap}; it can learn the others only from our answers. Its
 * public fallback router ({@code dht.transmissionbt.com}, tried 20-60 s after start while its table is small) does
 * not even resolve inside the namespace. Every DHT message Transmission handles is printed ({@code TR_DHT_VERBOSE})
 * with its debug log. Skipped only when transmission-daemon or transmission-remote is missing, which
 * {@code CI=true} turns into a failure ({@code .ci/install} installs both).
 *
 * <p>25-40 s on 2 busy cores, most of it Transmission's own timers: it pings its saved nodes 1-3 s apart, takes up a
 * new torrent 0-20 s after it is added (once its table holds at least 9 nodes), and sends {@code announce_peer}
 * 10-20 s after its {@code get_peers}.
 */
class DhtTransmissionInteropTest {

	private static final Duration WAIT = Duration.ofSeconds(45);

	private static final String TRANSMISSION_IP = "10.88.0.1";

	/** Fixed ports are safe here: they are bound inside this test's own namespace, where nothing else runs. */
	private static final int TRANSMISSION_PORT = 51413;

	private static final int RPC_PORT = 9091;

	/** How {@link DhtNodeMain} shows a query from Transmission that it answered. */
	private static final String FROM_TRANSMISSION = " " + TRANSMISSION_IP + ":" + TRANSMISSION_PORT + " ok";

	private static final int OUR_NODES = 12;

	/** How many of our nodes go into Transmission's {@code dht.dat}; one more goes into its {@code dht.bootstrap}. */
	private static final int SAVED_NODES = 4;

	/** The TCP port our node 0 announces: nothing listens there, Transmission's connection attempts are refused. */
	private static final int OUR_PEER_PORT = 7777;

	/** The TCP port our node 0 announces to Transmission under Transmission's own id. */
	private static final int OUR_OTHER_PEER_PORT = 7778;

	/** Lines in Transmission's DHT log that mean it could not use a message of ours. */
	private static final List<String> COMPLAINTS = List.of("Unparseable message", "Truncated message",
			"Broken node truncates transaction ids", "Blacklisting broken node", "Unexpected reply",
			"Unexpected length for node info", "unexpected end for");

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void pingFindNodeGetPeersAndAnnounceWorkBothWays(@TempDir Path dir) throws Exception {
		Assumptions.assumeTrue(installed("transmission-daemon") && installed("transmission-remote"),
				"transmission-daemon/transmission-remote are not installed (.ci/install installs them)");
		try (Netns netns = Netns.create("rt-trdht")) {
			netns.exec("ip", "addr", "add", TRANSMISSION_IP + "/24", "dev", "lo");
			String[] addresses = IntStream.range(0, OUR_NODES).mapToObj((i) -> "10.88.0." + (10 + i))
				.toArray(String[]::new);
			NetnsProcess ours = netns.startJava("rats-dht", DhtNodeMain.class, List.of(), addresses);
			ours.awaitLine("^READY", WAIT);
			List<OurNode> nodes = ourNodes(ours);
			// Transmission is told about the five of our nodes farthest from the id we give it: the nodes its
			// neighbourhood maintenance asks for (those closest to its id) are then all new to it, so that our
			// first find_node answer already makes its table big enough to announce (at least 9 nodes)
			NodeId transmissionId = NodeId.random();
			List<OurNode> told = nodes.stream()
				.sorted((a, b) -> NodeId.closerTo(transmissionId, b.id(), a.id()))
				.limit(SAVED_NODES + 1)
				.toList();

			// an infohash our node 0 announces before Transmission exists; Transmission will look it up and announce it
			String infohash = HexFormat.of().formatHex(NodeId.random().toBytes());
			assertThat(announce(ours, infohash, OUR_PEER_PORT)).isPositive();

			Path config = writeConfig(dir, transmissionId, told);
			NetnsProcess transmission = netns.start("transmission", List.of("env", "TR_DHT_VERBOSE=1",
					"transmission-daemon", "--foreground", "--config-dir", config.toString(), "--log-debug"));
			try {
				transmission.awaitLine("RPC Server Started listening", WAIT);
				assertThat(remote(netns, "--add", "magnet:?xt=urn:btih:" + infohash)).contains("success");

				transmissionBootstrapsFromUs(ours, transmission, told);
				// we query it while its torrent's turn comes (0-20 s after the add) and its announce_peer follows
				// (6-20 s after its get_peers)
				weQueryTransmission(ours, transmission, transmissionId, nodes, infohash);
				transmissionAnnouncesThroughUs(ours, transmission, infohash);

				// our lookup finds both announces of Transmission's torrent: Transmission's and ours
				List<String> peers = list(ask(ours, "get_peers " + infohash, "PEERS"), "^PEERS \\S+ (\\S*)$");
				assertThat(peers).contains(TRANSMISSION_IP + ":" + TRANSMISSION_PORT,
						Compact.format(new InetSocketAddress(nodes.get(0).address().getAddress(), OUR_PEER_PORT)));

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

	/** Transmission pings and find_nodes the nodes it is told about, and queries the nodes they tell it about. */
	private static void transmissionBootstrapsFromUs(NetnsProcess ours, NetnsProcess transmission,
			List<OurNode> told) {
		// dht.dat nodes are pinged one after another, then the dht.bootstrap ones: "Pong!" is our answer accepted
		for (OurNode node : told) {
			ours.awaitLine("^QUERY " + node.index() + " ping" + FROM_TRANSMISSION, WAIT);
		}
		transmission.awaitLine("^Pong!", WAIT);
		// neighbourhood maintenance: find_node for an id next to its own, to a node that answered its ping
		ours.awaitLine("^QUERY \\d+ find_node" + FROM_TRANSMISSION, WAIT);
		transmission.awaitLine("^Sending find_node for neighborhood maintenance", WAIT);
		transmission.awaitLine("^Nodes found \\([1-8]\\+0\\)!", WAIT);
		// it queries nodes it can only know from our find_node and get_peers answers
		String learnedOnly = IntStream.range(0, OUR_NODES)
			.filter((i) -> told.stream().noneMatch((node) -> node.index() == i))
			.mapToObj(Integer::toString)
			.reduce((a, b) -> a + "|" + b)
			.orElseThrow();
		ours.awaitLine("^QUERY (" + learnedOnly + ") \\S+" + FROM_TRANSMISSION, WAIT);
	}

	/** Transmission looks up and announces its torrent through our nodes. */
	private static void transmissionAnnouncesThroughUs(NetnsProcess ours, NetnsProcess transmission,
			String infohash) {
		// a get_peers search (our stored peer is in the answers), then announce_peer with our tokens
		ours.awaitLine("^QUERY \\d+ get_peers" + FROM_TRANSMISSION + " info_hash=" + infohash, WAIT);
		ours.awaitLine("^QUERY \\d+ announce_peer" + FROM_TRANSMISSION + " info_hash=" + infohash + " port="
				+ TRANSMISSION_PORT, WAIT);
		transmission.awaitLine("Learned \\d+ IPv4 peers from DHT", WAIT);
		// it announces only with a "poor" table or better: at least 4 good and 9 known nodes, all of them ours
		Matcher announce = transmission.awaitLine("Starting IPv4 DHT announce \\((\\w+), (\\d+) nodes\\)", WAIT);
		assertThat(Integer.parseInt(announce.group(2))).isGreaterThan(SAVED_NODES + 1);
	}

	/** Our node 0 pings, find_nodes and get_peers Transmission, and announces to it. */
	private static void weQueryTransmission(NetnsProcess ours, NetnsProcess transmission, NodeId transmissionId,
			List<OurNode> nodes, String infohash) {
		String target = TRANSMISSION_IP + " " + TRANSMISSION_PORT;
		// it answers with the id of the dht.dat we wrote
		assertThat(ask(ours, "ping " + target, "PONG")).endsWith(" id=" + transmissionId.toHex());

		// its find_node answer: nodes from its table, which are ours
		List<String> found = list(ask(ours, "find_node " + target, "NODES"), "^NODES \\S+ id=[0-9a-f]{40} (\\S*)$");
		List<String> ourAddresses = nodes.stream().map((node) -> Compact.format(node.address())).toList();
		assertThat(found).isNotEmpty().isSubsetOf(ourAddresses);

		// its get_peers answer: a token and nodes (nobody announced this infohash to Transmission itself)
		String answer = ask(ours, "get_peers " + infohash + " " + target, "GOT_PEERS");
		assertThat(answer).doesNotContain(" token=0 ");
		assertThat(list(answer, ".* nodes=(\\S*)$")).isNotEmpty();

		// we announce under Transmission's own id, so that Transmission is the closest node and takes the announce
		// with the token it gave us; its get_peers answer then carries our peer
		int logged = transmission.lineCount();
		assertThat(announce(ours, transmissionId.toHex(), OUR_OTHER_PEER_PORT)).isPositive();
		transmission.awaitLine(Pattern.compile("^Announce peer!"), logged, WAIT);
		String values = ask(ours, "get_peers " + transmissionId.toHex() + " " + target, "GOT_PEERS");
		assertThat(list(values, ".* values=(\\S*) nodes=.*"))
			.contains(Compact.format(new InetSocketAddress(nodes.get(0).address().getAddress(), OUR_OTHER_PEER_PORT)));
	}

	private static Path writeConfig(Path dir, NodeId id, List<OurNode> told) throws Exception {
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
				  "bind-address-ipv6": "::1",
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
				""".formatted(TRANSMISSION_IP, TRANSMISSION_PORT, RPC_PORT, downloads));
		// Transmission's saved DHT state (bencoded {id, nodes}): at start it pings these nodes, quickly
		ByteArrayOutputStream saved = new ByteArrayOutputStream();
		for (OurNode node : told.subList(0, SAVED_NODES)) {
			saved.write(Compact.peer(node.address()));
		}
		Files.write(config.resolve("dht.dat"),
				Bencode.encode(Map.of("id", id.toBytes(), "nodes", saved.toByteArray())));
		// "host port" lines it pings next, while its table is not yet "firewalled" (40 good nodes)
		InetSocketAddress bootstrap = told.get(SAVED_NODES).address();
		Files.writeString(config.resolve("dht.bootstrap"),
				bootstrap.getAddress().getHostAddress() + " " + bootstrap.getPort() + "\n");
		return config;
	}

	private static List<OurNode> ourNodes(NetnsProcess ours) {
		List<OurNode> nodes = new ArrayList<>();
		for (int i = 0; i < OUR_NODES; i++) {
			Matcher node = ours.awaitLine("^NODE " + i + " ([0-9.]+):(\\d+) ([0-9a-f]{40})$", WAIT);
			nodes.add(new OurNode(i, new InetSocketAddress(node.group(1), Integer.parseInt(node.group(2))),
					NodeId.fromHex(node.group(3))));
		}
		return nodes;
	}

	/** One of the nodes {@link DhtNodeMain} runs. */
	private record OurNode(int index, InetSocketAddress address, NodeId id) {
	}

	/** Sends a {@link DhtNodeMain} command and returns its answer, which must start with {@code keyword}. */
	private static String ask(NetnsProcess ours, String command, String keyword) {
		String answer = ours.request(command, "^(" + keyword + "|NO_ANSWER|ERROR) .*", WAIT).group();
		assertThat(answer).startsWith(keyword + " ");
		return answer;
	}

	/** Announces through our node 0; returns how many nodes accepted. */
	private static int announce(NetnsProcess ours, String infohash, int port) {
		return Integer.parseInt(ask(ours, "announce " + infohash + " " + port, "ANNOUNCED")
			.replaceAll(".* accepted=(\\d+)$", "$1"));
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

}
