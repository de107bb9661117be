package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Answers the four BEP 5 queries. Every answer carries only what was asked: {@code nodes} (IPv4) or
 * {@code nodes6} (IPv6, BEP 32) with at most k entries, {@code values} capped, and no {@code nodes} when
 * {@code values} are given, so a response is never much larger than needed. Arguments are validated; a bad one is
 * a 203 error, an unknown method a 204. Not thread-safe (the node's event loop).
 */
final class QueryHandler {

	/** The parts of the node an answer needs. */
	interface Node {

		NodeId selfId();

		RoutingTable table();

		boolean ipv6();

		long nowMillis();

	}

	private final Node node;

	private final TokenManager tokens;

	private final PeerStore peers;

	private final int maxValues;

	private final Random random;

	QueryHandler(Node node, TokenManager tokens, PeerStore peers, int maxValues, Random random) {
		this.node = node;
		this.tokens = tokens;
		this.peers = peers;
		this.maxValues = maxValues;
		this.random = random;
	}

	/** The response values for {@code query} from {@code from}; a {@link KrpcException} is answered as an error. */
	Map<String, Object> answer(Krpc.Query query, InetSocketAddress from) throws KrpcException {
		Krpc.requireId(query, "id");
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("id", this.node.selfId().toBytes());
		switch (query.method()) {
			case Krpc.PING -> {
			}
			case Krpc.FIND_NODE -> putNodes(values, Krpc.requireId(query, "target"), query, from);
			case Krpc.GET_PEERS -> {
				NodeId infohash = Krpc.requireId(query, "info_hash");
				values.put("token", this.tokens.tokenFor(from.getAddress()));
				List<InetSocketAddress> found = this.peers.peers(infohash, this.maxValues, this.node.nowMillis(),
						this.random);
				if (found.isEmpty()) {
					putNodes(values, infohash, query, from);
				}
				else {
					List<byte[]> compact = new ArrayList<>(found.size());
					for (InetSocketAddress peer : found) {
						compact.add(Compact.peer(peer));
					}
					values.put("values", compact);
				}
			}
			case Krpc.ANNOUNCE_PEER -> announce(query, from);
			default -> throw new KrpcException(Krpc.ERROR_METHOD_UNKNOWN, "Method Unknown", query.transactionId());
		}
		return values;
	}

	private void announce(Krpc.Query query, InetSocketAddress from) throws KrpcException {
		NodeId infohash = Krpc.requireId(query, "info_hash");
		byte[] token = Krpc.requireBytes(query, "token", Lookup.MAX_TOKEN);
		long implied = Krpc.optionalLong(query, "implied_port", 0);
		long port;
		if (implied == 1) {
			port = from.getPort();
		}
		else {
			port = Krpc.optionalLong(query, "port", -1);
			if (port < 1 || port > 65535) {
				throw new KrpcException(Krpc.ERROR_PROTOCOL, "missing or invalid port", query.transactionId());
			}
		}
		if (!this.tokens.isValid(token, from.getAddress())) {
			throw new KrpcException(Krpc.ERROR_PROTOCOL, "bad token", query.transactionId());
		}
		this.peers.announce(infohash, new InetSocketAddress(from.getAddress(), (int) port), this.node.nowMillis());
	}

	/**
	 * Adds the k closest nodes we know that are not bad, under the key of our address family. A node holds one
	 * family only (one socket), so whatever a BEP 32 {@code want} asks for, the answer is the family we have.
	 */
	private void putNodes(Map<String, Object> values, NodeId target, Krpc.Query query, InetSocketAddress from) {
		boolean ipv6 = this.node.ipv6();
		List<Contact> closest = this.node.table().closest(target, RoutingTable.K, this.node.nowMillis());
		closest.removeIf((contact) -> contact.address().equals(from));
		values.put(ipv6 ? "nodes6" : "nodes", Compact.nodes(closest, ipv6));
	}

}
