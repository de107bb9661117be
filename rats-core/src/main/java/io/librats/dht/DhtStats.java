package io.librats.dht;

/**
 * A snapshot of a DHT node's state.
 *
 * @param nodeId our node id, 40 hex characters
 * @param nodes nodes in the routing table
 * @param buckets routing table buckets
 * @param good nodes that answered us within 15 minutes (BEP 5)
 * @param questionable nodes neither good nor bad
 * @param bad nodes that failed to answer repeatedly (replaced when a replacement is cached)
 * @param replacements nodes waiting in replacement caches
 * @param storedInfohashes infohashes in our peer store
 * @param storedPeers peers in our peer store
 * @param outstandingQueries our queries awaiting an answer
 */
public record DhtStats(String nodeId, int nodes, int buckets, int good, int questionable, int bad, int replacements,
		int storedInfohashes, int storedPeers, int outstandingQueries) {
}
