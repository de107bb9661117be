package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running mainline DHT node, as other code uses it. {@link DhtDiscovery} registers one in the node's
 * {@link io.librats.subsystem.ServiceRegistry} while it runs; a standalone {@link DhtNode} is one.
 *
 * <p>Futures complete on the DHT's event loop: continuations that block must use the {@code ...Async} variants.
 */
public interface DhtService {

	/**
	 * Looks up the peers announced under a 20-byte infohash (an iterative {@code get_peers}). Completes with the
	 * peers found, possibly none; never fails for an unreachable network.
	 */
	CompletableFuture<List<InetSocketAddress>> findPeers(byte[] infohash);

	/**
	 * Announces {@code port} under a 20-byte infohash to the nodes closest to it ({@code get_peers} for tokens, then
	 * {@code announce_peer}). Port 0 sends {@code implied_port=1}: the receivers use our UDP source port. Completes
	 * with the number of nodes that accepted.
	 */
	CompletableFuture<Integer> announce(byte[] infohash, int port);

	/** Routing table and store counts, taken now. */
	DhtStats stats();

	/** The UDP port the node is bound to. */
	int port();

}
