package io.librats.dht;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.librats.config.PeerAddress;

/**
 * Settings of a mainline DHT node ({@link DhtNode}) and of rats discovery on top of it ({@link DhtDiscovery}).
 * Immutable; built with {@link #builder()}. Defaults contact nobody: the bootstrap list is empty, so a node only
 * knows the nodes persisted in its state directory and the nodes that contact it. To join the public BitTorrent
 * DHT, add routers such as {@code router.bittorrent.com:6881}, {@code router.utorrent.com:6881},
 * {@code dht.transmissionbt.com:6881} or {@code dht.libtorrent.org:25401} explicitly.
 */
public final class DhtConfig {

	private final int port;
	private final String bindAddress;
	private final List<PeerAddress> bootstrap;
	private final String namespace;
	private final Duration announceInterval;
	private final Duration lookupInterval;
	private final boolean enforceNodeId;
	private final boolean secureIdsOnLocalAddresses;
	private final boolean readOnly;
	private final boolean restrictRoutingIps;
	private final int queriesPerSecondPerIp;
	private final int queryBurstPerIp;
	private final int maxTrackedIps;
	private final int maxOutstandingQueries;
	private final Duration queryTimeout;
	private final int queryRetries;
	private final int alpha;
	private final int maxQueriesPerLookup;
	private final int maxInfohashes;
	private final int maxPeersPerInfohash;
	private final int maxValuesPerResponse;
	private final int replacementCacheSize;
	private final Duration bucketRefreshInterval;
	private final boolean nativeTransport;

	private DhtConfig(Builder b) {
		if (b.port < 0 || b.port > 65535) {
			throw new IllegalArgumentException("port " + b.port + " is outside 0..65535");
		}
		this.port = b.port;
		this.bindAddress = Objects.requireNonNull(b.bindAddress, "bindAddress");
		this.bootstrap = List.copyOf(b.bootstrap);
		this.namespace = Objects.requireNonNull(b.namespace, "namespace");
		this.announceInterval = positive(b.announceInterval, "announceInterval");
		this.lookupInterval = positive(b.lookupInterval, "lookupInterval");
		this.enforceNodeId = b.enforceNodeId;
		this.secureIdsOnLocalAddresses = b.secureIdsOnLocalAddresses;
		this.readOnly = b.readOnly;
		this.restrictRoutingIps = b.restrictRoutingIps;
		this.queriesPerSecondPerIp = atLeast(b.queriesPerSecondPerIp, 1, "queriesPerSecondPerIp");
		this.queryBurstPerIp = atLeast(b.queryBurstPerIp, 1, "queryBurstPerIp");
		this.maxTrackedIps = atLeast(b.maxTrackedIps, 16, "maxTrackedIps");
		this.maxOutstandingQueries = atLeast(b.maxOutstandingQueries, 8, "maxOutstandingQueries");
		this.queryTimeout = positive(b.queryTimeout, "queryTimeout");
		this.queryRetries = atLeast(b.queryRetries, 0, "queryRetries");
		this.alpha = atLeast(b.alpha, 1, "alpha");
		this.maxQueriesPerLookup = atLeast(b.maxQueriesPerLookup, 8, "maxQueriesPerLookup");
		this.maxInfohashes = atLeast(b.maxInfohashes, 1, "maxInfohashes");
		this.maxPeersPerInfohash = atLeast(b.maxPeersPerInfohash, 1, "maxPeersPerInfohash");
		this.maxValuesPerResponse = atLeast(b.maxValuesPerResponse, 1, "maxValuesPerResponse");
		if (this.maxValuesPerResponse > 100) {
			throw new IllegalArgumentException("maxValuesPerResponse above 100 makes responses too large for UDP");
		}
		this.replacementCacheSize = atLeast(b.replacementCacheSize, 0, "replacementCacheSize");
		this.bucketRefreshInterval = positive(b.bucketRefreshInterval, "bucketRefreshInterval");
		this.nativeTransport = b.nativeTransport;
	}

	private static Duration positive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	private static int atLeast(int value, int min, String name) {
		if (value < min) {
			throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	public static DhtConfig defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder holding this configuration's values. */
	public Builder toBuilder() {
		Builder b = new Builder();
		b.port = this.port;
		b.bindAddress = this.bindAddress;
		b.bootstrap = new ArrayList<>(this.bootstrap);
		b.namespace = this.namespace;
		b.announceInterval = this.announceInterval;
		b.lookupInterval = this.lookupInterval;
		b.enforceNodeId = this.enforceNodeId;
		b.secureIdsOnLocalAddresses = this.secureIdsOnLocalAddresses;
		b.readOnly = this.readOnly;
		b.restrictRoutingIps = this.restrictRoutingIps;
		b.queriesPerSecondPerIp = this.queriesPerSecondPerIp;
		b.queryBurstPerIp = this.queryBurstPerIp;
		b.maxTrackedIps = this.maxTrackedIps;
		b.maxOutstandingQueries = this.maxOutstandingQueries;
		b.queryTimeout = this.queryTimeout;
		b.queryRetries = this.queryRetries;
		b.alpha = this.alpha;
		b.maxQueriesPerLookup = this.maxQueriesPerLookup;
		b.maxInfohashes = this.maxInfohashes;
		b.maxPeersPerInfohash = this.maxPeersPerInfohash;
		b.maxValuesPerResponse = this.maxValuesPerResponse;
		b.replacementCacheSize = this.replacementCacheSize;
		b.bucketRefreshInterval = this.bucketRefreshInterval;
		b.nativeTransport = this.nativeTransport;
		return b;
	}

	/** UDP port; 0 picks an ephemeral one ({@link DhtNode#port()} tells which). Default 0. */
	public int port() { return this.port; }
	/** Address to bind; its family (IPv4 or IPv6) is the family the node speaks. Default {@code 0.0.0.0}. */
	public String bindAddress() { return this.bindAddress; }
	/** Nodes to bootstrap from, {@code host:port}. Default empty: no public host is contacted. */
	public List<PeerAddress> bootstrap() { return this.bootstrap; }
	/** Application namespace of the rats discovery infohash; default empty (see {@link DhtDiscovery}). */
	public String namespace() { return this.namespace; }
	/** How often discovery announces our listen port. Default 15 minutes (stored peers expire after 30). */
	public Duration announceInterval() { return this.announceInterval; }
	/** How often discovery looks the discovery infohash up. Default 5 minutes. */
	public Duration lookupInterval() { return this.lookupInterval; }
	/** Admit to the routing table only nodes whose id is valid for their IP (BEP 42). Default false. */
	public boolean enforceNodeId() { return this.enforceNodeId; }
	/**
	 * Apply BEP 42 to loopback and private addresses as well (they are exempt by the BEP): for simulations on
	 * 127.0.0.0/8. Default false.
	 */
	public boolean secureIdsOnLocalAddresses() { return this.secureIdsOnLocalAddresses; }
	/** Run read-only (BEP 43): send {@code ro=1}, answer no queries. Default false. */
	public boolean readOnly() { return this.readOnly; }
	/** At most one routing table entry per IP address (Sybil resistance). Default true. */
	public boolean restrictRoutingIps() { return this.restrictRoutingIps; }
	/** Average incoming queries a second allowed per source IP; the rest are dropped. Default 50. */
	public int queriesPerSecondPerIp() { return this.queriesPerSecondPerIp; }
	/** Burst of incoming queries allowed per source IP. Default 100. */
	public int queryBurstPerIp() { return this.queryBurstPerIp; }
	/** IPs tracked by the rate limiter at most. Default 10,000. */
	public int maxTrackedIps() { return this.maxTrackedIps; }
	/** Queries of ours outstanding at most. Default 512. */
	public int maxOutstandingQueries() { return this.maxOutstandingQueries; }
	/** Time to wait for an answer, per attempt. Default 2 s. */
	public Duration queryTimeout() { return this.queryTimeout; }
	/** Retransmissions of maintenance and announce queries (lookups move on instead). Default 1. */
	public int queryRetries() { return this.queryRetries; }
	/** Queries in flight per lookup. Default 3. */
	public int alpha() { return this.alpha; }
	/** Queries one lookup sends at most. Default 128. */
	public int maxQueriesPerLookup() { return this.maxQueriesPerLookup; }
	/** Infohashes our peer store keeps at most. Default 5,000. */
	public int maxInfohashes() { return this.maxInfohashes; }
	/** Peers per infohash our peer store keeps at most. Default 500. */
	public int maxPeersPerInfohash() { return this.maxPeersPerInfohash; }
	/** Peers returned in one get_peers answer at most (random sample). Default 50. */
	public int maxValuesPerResponse() { return this.maxValuesPerResponse; }
	/** Replacement cache entries per bucket. Default 8. */
	public int replacementCacheSize() { return this.replacementCacheSize; }
	/** A bucket unchanged for this long is refreshed with a lookup. Default 15 minutes (BEP 5). */
	public Duration bucketRefreshInterval() { return this.bucketRefreshInterval; }
	/** Use epoll where available. Default true. */
	public boolean nativeTransport() { return this.nativeTransport; }

	@Override
	public String toString() {
		return "DhtConfig[bind=" + this.bindAddress + ":" + this.port + ", bootstrap=" + this.bootstrap
				+ ", namespace='" + this.namespace + "', readOnly=" + this.readOnly + ", enforceNodeId="
				+ this.enforceNodeId + "]";
	}

	public static final class Builder {

		private int port = 0;
		private String bindAddress = "0.0.0.0";
		private List<PeerAddress> bootstrap = new ArrayList<>();
		private String namespace = "";
		private Duration announceInterval = Duration.ofMinutes(15);
		private Duration lookupInterval = Duration.ofMinutes(5);
		private boolean enforceNodeId = false;
		private boolean secureIdsOnLocalAddresses = false;
		private boolean readOnly = false;
		private boolean restrictRoutingIps = true;
		private int queriesPerSecondPerIp = 50;
		private int queryBurstPerIp = 100;
		private int maxTrackedIps = 10_000;
		private int maxOutstandingQueries = 512;
		private Duration queryTimeout = Duration.ofSeconds(2);
		private int queryRetries = 1;
		private int alpha = 3;
		private int maxQueriesPerLookup = 128;
		private int maxInfohashes = 5_000;
		private int maxPeersPerInfohash = 500;
		private int maxValuesPerResponse = 50;
		private int replacementCacheSize = 8;
		private Duration bucketRefreshInterval = Duration.ofMinutes(15);
		private boolean nativeTransport = true;

		private Builder() {
		}

		public Builder port(int value) { this.port = value; return this; }
		public Builder bindAddress(String value) { this.bindAddress = value; return this; }
		/** Replaces the bootstrap list. */
		public Builder bootstrap(List<PeerAddress> value) { this.bootstrap = new ArrayList<>(value); return this; }
		/** Adds a bootstrap node, {@code host:port} or {@code [v6]:port}. */
		public Builder addBootstrap(String hostPort) { this.bootstrap.add(PeerAddress.parse(hostPort)); return this; }
		public Builder namespace(String value) { this.namespace = value; return this; }
		public Builder announceInterval(Duration value) { this.announceInterval = value; return this; }
		public Builder lookupInterval(Duration value) { this.lookupInterval = value; return this; }
		public Builder enforceNodeId(boolean value) { this.enforceNodeId = value; return this; }
		public Builder secureIdsOnLocalAddresses(boolean value) { this.secureIdsOnLocalAddresses = value; return this; }
		public Builder readOnly(boolean value) { this.readOnly = value; return this; }
		public Builder restrictRoutingIps(boolean value) { this.restrictRoutingIps = value; return this; }
		public Builder queriesPerSecondPerIp(int value) { this.queriesPerSecondPerIp = value; return this; }
		public Builder queryBurstPerIp(int value) { this.queryBurstPerIp = value; return this; }
		public Builder maxTrackedIps(int value) { this.maxTrackedIps = value; return this; }
		public Builder maxOutstandingQueries(int value) { this.maxOutstandingQueries = value; return this; }
		public Builder queryTimeout(Duration value) { this.queryTimeout = value; return this; }
		public Builder queryRetries(int value) { this.queryRetries = value; return this; }
		public Builder alpha(int value) { this.alpha = value; return this; }
		public Builder maxQueriesPerLookup(int value) { this.maxQueriesPerLookup = value; return this; }
		public Builder maxInfohashes(int value) { this.maxInfohashes = value; return this; }
		public Builder maxPeersPerInfohash(int value) { this.maxPeersPerInfohash = value; return this; }
		public Builder maxValuesPerResponse(int value) { this.maxValuesPerResponse = value; return this; }
		public Builder replacementCacheSize(int value) { this.replacementCacheSize = value; return this; }
		public Builder bucketRefreshInterval(Duration value) { this.bucketRefreshInterval = value; return this; }
		public Builder nativeTransport(boolean value) { this.nativeTransport = value; return this; }

		public DhtConfig build() {
			return new DhtConfig(this);
		}

	}

}
