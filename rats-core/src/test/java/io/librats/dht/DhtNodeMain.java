package io.librats.dht;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.librats.metrics.RatsMetrics;

import static org.awaitility.Awaitility.await;

/**
 * Our DHT nodes in a child JVM, for interop tests that run another implementation inside a network namespace (a JVM
 * cannot move itself into one, so the test starts this there). One node per address on the command line (IPv4 and
 * IPv6 may be mixed; a node speaks its address's family), each on an ephemeral UDP port. The first node of each
 * family is that family's entry: the family's other nodes bootstrap from it, so it knows them all and gives them out
 * in its answers, and commands use it. Together the entries are a dual-stack client of the DHT.
 *
 * <p>Output, one line each:
 * <pre>
 * NODE i ip:port id                                  each node, once started ([v6]:port for IPv6)
 * READY                                              every entry knows the other nodes of its family (up to 8)
 * QUERY i method ip:port ok|error=CODE [info_hash=HEX] [port=N]   every query node i answered
 * </pre>
 * Commands on standard input, each answered by one line. With a {@code HOST}, the entry of its family sends one
 * query; without, every entry does the work and the answer covers both families:
 * <pre>
 * ping HOST PORT             PONG HOST:PORT id=HEX                            (or NO_ANSWER ping HOST:PORT)
 * find_node HOST PORT        NODES HOST:PORT id=HEX ip:port,...               (target: the entry's id)
 * get_peers HEX HOST PORT    GOT_PEERS HOST:PORT id=HEX token=LEN values=ip:port,... nodes=ip:port,...
 * get_peers HEX              PEERS HEX ip:port,...                            (iterative lookups)
 * announce HEX PORT          ANNOUNCED HEX ipv4=N ipv6=N                      (nodes that accepted, per family)
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
			Map<Boolean, List<DhtNode>> families = start(network, metrics, args);
			for (List<DhtNode> family : families.values()) {
				DhtNode entry = family.get(0);
				await().atMost(WAIT).until(() -> entry.stats().nodes() >= Math.min(family.size() - 1, RoutingTable.K));
			}
			Map<Boolean, DhtNode> entries = new LinkedHashMap<>();
			families.forEach((ipv6, family) -> entries.put(ipv6, family.get(0)));
			System.out.println("READY");
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = in.readLine()) != null) {
				if (!line.isBlank()) {
					System.out.println(answer(entries, metrics, line.trim().split("\\s+")));
				}
			}
		}
	}

	/** Starts the nodes; returns them by family ({@code true}: IPv6), each family's entry first. */
	private static Map<Boolean, List<DhtNode>> start(DhtTestNetwork network, RatsMetrics metrics, String[] addresses)
			throws Exception {
		Map<Boolean, List<DhtNode>> families = new LinkedHashMap<>();
		for (int i = 0; i < addresses.length; i++) {
			List<DhtNode> family = families.computeIfAbsent(isIpv6(addresses[i]), (ipv6) -> new ArrayList<>());
			DhtConfig.Builder config = DhtTestNetwork.config(addresses[i]);
			if (!family.isEmpty()) {
				config.addBootstrap(DhtTestNetwork.bootstrapOf(family.get(0)));
			}
			int index = i;
			DhtNode.QueryObserver observer = (query, from, errorCode) -> System.out
				.println(describe(index, query, from, errorCode));
			DhtNode node = network.start(config.build(), (builder) -> builder.metrics(metrics).queryObserver(observer));
			family.add(node);
			System.out.println("NODE " + i + " " + Compact.format(node.localAddress()) + " " + node.nodeId());
		}
		return families;
	}

	private static boolean isIpv6(String address) throws Exception {
		return InetAddress.getByName(address) instanceof Inet6Address;
	}

	private static String describe(int node, Krpc.Query query, InetSocketAddress from, int errorCode) {
		StringBuilder line = new StringBuilder("QUERY ").append(node).append(' ').append(query.method()).append(' ')
			.append(withoutScope(from)).append(' ').append((errorCode == 0) ? "ok" : "error=" + errorCode);
		if (query.args().get("info_hash") instanceof byte[] infohash) {
			line.append(" info_hash=").append(HexFormat.of().formatHex(infohash));
		}
		if (query.args().get("port") instanceof Long port) {
			line.append(" port=").append(port);
		}
		return line.toString();
	}

	/** A sender as the test names it: IPv6 senders read from the socket carry a scope id ({@code %0}). */
	private static String withoutScope(InetSocketAddress address) {
		try {
			return Compact.format(new InetSocketAddress(InetAddress.getByAddress(address.getAddress().getAddress()),
					address.getPort()));
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static String answer(Map<Boolean, DhtNode> entries, RatsMetrics metrics, String[] command) {
		try {
			return switch (command[0]) {
				case "ping" -> {
					InetSocketAddress to = address(command[1], command[2]);
					yield (request(entries, to, Krpc.PING, Map.of()) instanceof Krpc.Response response)
							? "PONG " + Compact.format(to) + " id=" + response.id().toHex()
							: "NO_ANSWER ping " + Compact.format(to);
				}
				case "find_node" -> {
					InetSocketAddress to = address(command[1], command[2]);
					byte[] target = NodeId.fromHex(entryFor(entries, to).nodeId()).toBytes();
					Map<String, Object> args = Map.of("target", target);
					yield (request(entries, to, Krpc.FIND_NODE, args) instanceof Krpc.Response response)
							? "NODES " + Compact.format(to) + " id=" + response.id().toHex() + " " + nodes(response)
							: "NO_ANSWER find_node " + Compact.format(to);
				}
				case "get_peers" -> (command.length == 2) ? lookupPeers(entries, command[1])
						: getPeers(entries, command[1], address(command[2], command[3]));
				case "announce" -> announce(entries, command[1], Integer.parseInt(command[2]));
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

	private static String lookupPeers(Map<Boolean, DhtNode> entries, String infohash) throws Exception {
		Set<String> peers = new LinkedHashSet<>();
		for (DhtNode entry : entries.values()) {
			entry.findPeers(hex(infohash)).get(WAIT.toSeconds(), TimeUnit.SECONDS).forEach((peer) -> peers
				.add(Compact.format(peer)));
		}
		return "PEERS " + infohash + " " + String.join(",", peers);
	}

	private static String announce(Map<Boolean, DhtNode> entries, String infohash, int port) throws Exception {
		StringBuilder line = new StringBuilder("ANNOUNCED ").append(infohash);
		for (Map.Entry<Boolean, DhtNode> entry : entries.entrySet()) {
			int accepted = entry.getValue().announce(hex(infohash), port).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			line.append(entry.getKey() ? " ipv6=" : " ipv4=").append(accepted);
		}
		return line.toString();
	}

	private static String getPeers(Map<Boolean, DhtNode> entries, String infohash, InetSocketAddress to)
			throws Exception {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("info_hash", hex(infohash));
		if (!(request(entries, to, Krpc.GET_PEERS, args) instanceof Krpc.Response response)) {
			return "NO_ANSWER get_peers " + Compact.format(to);
		}
		List<String> values = new ArrayList<>();
		if (response.values().get("values") instanceof List<?> list) {
			for (Object value : list) {
				InetSocketAddress peer = (value instanceof byte[] bytes) ? Compact.parsePeer(bytes) : null;
				if (peer != null) {
					values.add(Compact.format(peer));
				}
			}
		}
		int token = (response.values().get("token") instanceof byte[] bytes) ? bytes.length : 0;
		return "GOT_PEERS " + Compact.format(to) + " id=" + response.id().toHex() + " token=" + token + " values="
				+ String.join(",", values) + " nodes=" + nodes(response);
	}

	private static DhtNode entryFor(Map<Boolean, DhtNode> entries, InetSocketAddress to) {
		DhtNode entry = entries.get(Compact.isIpv6(to));
		if (entry == null) {
			throw new IllegalArgumentException("no node of the family of " + Compact.format(to));
		}
		return entry;
	}

	private static Krpc.Message request(Map<Boolean, DhtNode> entries, InetSocketAddress to, String method,
			Map<String, Object> args) throws Exception {
		return entryFor(entries, to).request(to, method, args).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	/** The {@code nodes} and {@code nodes6} of an answer, as addresses. */
	private static String nodes(Krpc.Response response) {
		List<String> addresses = new ArrayList<>();
		if (response.values().get("nodes") instanceof byte[] bytes) {
			Compact.parseNodes(bytes, false).forEach((contact) -> addresses.add(Compact.format(contact.address())));
		}
		if (response.values().get("nodes6") instanceof byte[] bytes) {
			Compact.parseNodes(bytes, true).forEach((contact) -> addresses.add(Compact.format(contact.address())));
		}
		return String.join(",", addresses);
	}

	private static InetSocketAddress address(String host, String port) {
		return new InetSocketAddress(host, Integer.parseInt(port));
	}

	private static byte[] hex(String hex) {
		return HexFormat.of().parseHex(hex);
	}

}
