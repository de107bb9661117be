package io.librats.dht;

/**
 * Names of the DHT's counters in {@link io.librats.metrics.RatsMetrics}; stable, prefixed {@code dht.}.
 */
public final class DhtMetrics {

	/** UDP datagrams received. */
	public static final String PACKETS_IN = "dht.packets.in";
	/** UDP datagrams sent. */
	public static final String PACKETS_OUT = "dht.packets.out";
	/** Datagrams dropped because they are not bencode or not a KRPC message (nothing is answered). */
	public static final String PACKETS_MALFORMED = "dht.packets.malformed";
	/** Datagrams not sent: the destination is unusable (other family, port 0, multicast) or the socket is full. */
	public static final String PACKETS_DROPPED = "dht.packets.dropped";
	/** Queries received. */
	public static final String QUERIES_IN = "dht.queries.in";
	/** Queries dropped by the per-IP rate limit. */
	public static final String QUERIES_RATE_LIMITED = "dht.queries.rate-limited";
	/** Queries answered with a 203 (bad arguments, bad token) or 204 (unknown method) error. */
	public static final String QUERIES_INVALID = "dht.queries.invalid";
	/** Queries not answered because this node runs read-only (BEP 43). */
	public static final String QUERIES_IGNORED_READ_ONLY = "dht.queries.ignored-read-only";
	/** Peers stored from valid announce_peer queries. */
	public static final String ANNOUNCES_STORED = "dht.announces.stored";
	/** Queries we sent (first attempts). */
	public static final String QUERIES_OUT = "dht.queries.out";
	/** Queries of ours that got no answer after all attempts. */
	public static final String QUERIES_TIMED_OUT = "dht.queries.timed-out";
	/** Queries of ours not sent because too many were outstanding. */
	public static final String QUERIES_REJECTED = "dht.queries.rejected.outstanding-limit";
	/** Responses received. */
	public static final String RESPONSES_IN = "dht.responses.in";
	/** Error messages received. */
	public static final String ERRORS_IN = "dht.errors.in";
	/** Responses or errors that answer no outstanding query of ours (late, duplicate or spoofed). */
	public static final String RESPONSES_UNMATCHED = "dht.responses.unmatched";
	/** Lookups started (find_node and get_peers, ours and maintenance). */
	public static final String LOOKUPS = "dht.lookups";
	/** Times our node id changed to a BEP 42 id for a newly learned external address. */
	public static final String NODE_ID_CHANGES = "dht.node-id.changed";

	private DhtMetrics() {
	}

}
