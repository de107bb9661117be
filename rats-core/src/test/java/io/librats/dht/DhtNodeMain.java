package io.librats.dht;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.librats.metrics.RatsMetrics;

import static org.awaitility.Awaitility.await;

/**
 * Our DHT nodes in a child JVM, for interop tests that run another implementation inside a network namespace (a JVM
 * cannot move itself into one, so the test starts this there). One node per address on the command line, each on
 * an ephemeral UDP port; the first (node 0) is the one commands use, the others bootstrap from it, so that node 0
 * knows them all and gives them out in its answers.
 *
 * <p>Output, one line each:
 * <pre>
 * NODE i ip:port id                                  each node, once started
 * READY n                                            bootstrapped; node 0 knows n nodes
 * QUERY i method ip:port ok|error=CODE [info_hash=HEX] [port=N]   every query node i answered
 * </pre>
 * Commands on standard input, sent by node 0, each answered by one line:
 * <pre>
 * ping HOST PORT             PONG HOST:PORT id=HEX                            (or NO_ANSWER ping HOST:PORT)
 * find_node HOST PORT        NODES HOST:PORT id=HEX ip:port,...               (one query, target: our id)
 * get_peers HEX HOST PORT    GOT_PEERS HOST:PORT id=HEX token=LEN values=ip:port,... nodes=ip:port,...
 * get_peers HEX              PEERS HEX ip:port,...                            (an iterative lookup)
 * announce HEX PORT          ANNOUNCED HEX accepted=N
 * metrics                    METRICS name=value ...                           (all nodes together)
 * </pre>
 * An error in a command is answered with {@code ERROR ...}. End of input closes the nodes and exits.
 */
public final class DhtNodeMain {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final List<String> REPORTED_METRICS = List.of(DhtMetrics.PACKETS_IN, DhtMetrics.PACKETS_MALFORMED,
			DhtMetrics.QUERIES_IN, DhtMetrics.QUERIES_INVALID, DhtMetrics.QUERIES_RATE_LIMITED,
			DhtMetrics.RESPONSES_IN, DhtMetrics.RESPONSES_UNMATCHED, DhtMetrics.ERRORS_IN);

	private DhtNodeMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: DhtNodeMain ADDRESS...");
			System.exit(2);
		}
		RatsMetrics metrics = new RatsMetrics();
		try (DhtTestNetwork network = new DhtTestNetwork(1)) {
			List<DhtNode> nodes = start(network, metrics, args);
			DhtNode entry = nodes.get(0);
			await().atMost(WAIT).until(() -> entry.stats().nodes() >= Math.min(nodes.size() - 1, RoutingTable.K));
			System.out.println("READY " + entry.stats().nodes());
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = in.readLine()) != null) {
				if (!line.isBlank()) {
					System.out.println(answer(entry, metrics, line.trim().split("\\s+")));
				}
			}
		}
	}

	private static List<DhtNode> start(DhtTestNetwork network, RatsMetrics metrics, String[] addresses)
			throws Exception {
		List<DhtNode> nodes = new ArrayList<>();
		for (int i = 0; i < addresses.length; i++) {
			DhtConfig.Builder config = DhtTestNetwork.config(addresses[i]);
			if (i > 0) {
				config.addBootstrap(DhtTestNetwork.bootstrapOf(nodes.get(0)));
			}
			int index = i;
			DhtNode.QueryObserver observer = (query, from, errorCode) -> System.out
				.println(describe(index, query, from, errorCode));
			DhtNode node = network.start(config.build(), (builder) -> builder.metrics(metrics).queryObserver(observer));
			nodes.add(node);
			System.out.println("NODE " + i + " " + Compact.format(node.localAddress()) + " " + node.nodeId());
		}
		return nodes;
	}

	static String describe(int node, Krpc.Query query, InetSocketAddress from, int errorCode) {
		StringBuilder line = new StringBuilder("QUERY ").append(node).append(' ').append(query.method()).append(' ')
			.append(Compact.format(from)).append(' ').append((errorCode == 0) ? "ok" : "error=" + errorCode);
		if (query.args().get("info_hash") instanceof byte[] infohash) {
			line.append(" info_hash=").append(HexFormat.of().formatHex(infohash));
		}
		if (query.args().get("port") instanceof Long port) {
			line.append(" port=").append(port);
		}
		return line.toString();
	}

	private static String answer(DhtNode node, RatsMetrics metrics, String[] command) {
		try {
			return switch (command[0]) {
				case "ping" -> {
					InetSocketAddress to = address(command[1], command[2]);
					yield (request(node, to, Krpc.PING, Map.of()) instanceof Krpc.Response response)
							? "PONG " + Compact.format(to) + " id=" + response.id().toHex()
							: "NO_ANSWER ping " + Compact.format(to);
				}
				case "find_node" -> {
					InetSocketAddress to = address(command[1], command[2]);
					Map<String, Object> args = Map.of("target", NodeId.fromHex(node.nodeId()).toBytes());
					yield (request(node, to, Krpc.FIND_NODE, args) instanceof Krpc.Response response)
							? "NODES " + Compact.format(to) + " id=" + response.id().toHex() + " "
									+ nodes(response.values().get("nodes"))
							: "NO_ANSWER find_node " + Compact.format(to);
				}
				case "get_peers" -> (command.length == 2) ? lookupPeers(node, command[1])
						: getPeers(node, command[1], address(command[2], command[3]));
				case "announce" -> "ANNOUNCED " + command[1] + " accepted="
						+ node.announce(hex(command[1]), Integer.parseInt(command[2])).get(WAIT.toSeconds(),
								TimeUnit.SECONDS);
				case "metrics" -> "METRICS " + REPORTED_METRICS.stream()
					.map((name) -> name + "=" + metrics.get(name))
					.collect(Collectors.joining(" "));
				default -> "ERROR unknown command " + command[0];
			};
		}
		catch (Exception ex) {
			return "ERROR " + String.join(" ", command) + ": " + ex;
		}
	}

	private static String lookupPeers(DhtNode node, String infohash) throws Exception {
		return "PEERS " + infohash + " " + node.findPeers(hex(infohash))
			.get(WAIT.toSeconds(), TimeUnit.SECONDS)
			.stream()
			.map(Compact::format)
			.collect(Collectors.joining(","));
	}

	private static String getPeers(DhtNode node, String infohash, InetSocketAddress to) throws Exception {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("info_hash", hex(infohash));
		if (!(request(node, to, Krpc.GET_PEERS, args) instanceof Krpc.Response response)) {
			return "NO_ANSWER get_peers " + Compact.format(to);
		}
		List<String> values = new ArrayList<>();
		if (response.values().get("values") instanceof List<?> list) {
			for (Object value : list) {
				if (value instanceof byte[] peer && peer.length == Compact.IPV4_PEER) {
					values.add(Compact.format(Compact.parsePeer(peer)));
				}
			}
		}
		int token = (response.values().get("token") instanceof byte[] bytes) ? bytes.length : 0;
		return "GOT_PEERS " + Compact.format(to) + " id=" + response.id().toHex() + " token=" + token + " values="
				+ String.join(",", values) + " nodes=" + nodes(response.values().get("nodes"));
	}

	private static Krpc.Message request(DhtNode node, InetSocketAddress to, String method, Map<String, Object> args)
			throws Exception {
		return node.request(to, method, args).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private static String nodes(Object compact) {
		if (!(compact instanceof byte[] bytes)) {
			return "";
		}
		return Compact.parseNodes(bytes, false)
			.stream()
			.map((contact) -> Compact.format(contact.address()))
			.collect(Collectors.joining(","));
	}

	private static InetSocketAddress address(String host, String port) {
		return new InetSocketAddress(host, Integer.parseInt(port));
	}

	private static byte[] hex(String hex) {
		return HexFormat.of().parseHex(hex);
	}

}
