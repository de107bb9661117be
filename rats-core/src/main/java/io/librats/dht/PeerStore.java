package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Peers announced to us (BEP 5 {@code announce_peer}), answered in {@code get_peers}. Bounded in infohashes and
 * in peers per infohash; each peer expires {@link #EXPIRY_MILLIS} after its last announce. When full, a new
 * infohash evicts the one announced least recently, and a new peer evicts the oldest peer of its infohash. Not
 * thread-safe (one event loop); times are caller-supplied milliseconds.
 */
final class PeerStore {

	static final long EXPIRY_MILLIS = 30 * 60 * 1000L;

	private final int maxInfohashes;

	private final int maxPeersPerInfohash;

	/** Re-inserted on every announce: the first entry is the infohash announced least recently. */
	private final LinkedHashMap<NodeId, LinkedHashMap<InetSocketAddress, Long>> swarms = new LinkedHashMap<>();

	private int peerCount;

	PeerStore(int maxInfohashes, int maxPeersPerInfohash) {
		this.maxInfohashes = maxInfohashes;
		this.maxPeersPerInfohash = maxPeersPerInfohash;
	}

	void announce(NodeId infohash, InetSocketAddress peer, long now) {
		LinkedHashMap<InetSocketAddress, Long> peers = this.swarms.remove(infohash);
		if (peers == null) {
			if (this.swarms.size() >= this.maxInfohashes) {
				Iterator<Map.Entry<NodeId, LinkedHashMap<InetSocketAddress, Long>>> eldest = this.swarms.entrySet()
					.iterator();
				this.peerCount -= eldest.next().getValue().size();
				eldest.remove();
			}
			peers = new LinkedHashMap<>();
		}
		this.swarms.put(infohash, peers);
		if (peers.remove(peer) != null) {
			this.peerCount--;
		}
		else if (peers.size() >= this.maxPeersPerInfohash) {
			Iterator<InetSocketAddress> oldest = peers.keySet().iterator();
			oldest.next();
			oldest.remove();
			this.peerCount--;
		}
		peers.put(peer, now); // re-inserted at the end: insertion order is announce order
		this.peerCount++;
	}

	/** Up to {@code max} live peers of {@code infohash}, a random sample when there are more. */
	List<InetSocketAddress> peers(NodeId infohash, int max, long now, Random random) {
		LinkedHashMap<InetSocketAddress, Long> peers = this.swarms.get(infohash);
		if (peers == null) {
			return List.of();
		}
		expire(infohash, peers, now);
		List<InetSocketAddress> live = new ArrayList<>(peers.keySet());
		if (live.size() > max) {
			Collections.shuffle(live, random);
			live = new ArrayList<>(live.subList(0, max));
		}
		return live;
	}

	/** Drops every expired peer and empty infohash. */
	void expireAll(long now) {
		Iterator<Map.Entry<NodeId, LinkedHashMap<InetSocketAddress, Long>>> it = this.swarms.entrySet().iterator();
		while (it.hasNext()) {
			LinkedHashMap<InetSocketAddress, Long> peers = it.next().getValue();
			this.peerCount -= removeExpired(peers, now);
			if (peers.isEmpty()) {
				it.remove();
			}
		}
	}

	int infohashCount() {
		return this.swarms.size();
	}

	int peerCount() {
		return this.peerCount;
	}

	private void expire(NodeId infohash, LinkedHashMap<InetSocketAddress, Long> peers, long now) {
		this.peerCount -= removeExpired(peers, now);
		if (peers.isEmpty()) {
			this.swarms.remove(infohash);
		}
	}

	/** Peers are in announce order, so expired ones are a prefix. */
	private static int removeExpired(LinkedHashMap<InetSocketAddress, Long> peers, long now) {
		int removed = 0;
		Iterator<Long> it = peers.values().iterator();
		while (it.hasNext()) {
			if (now - it.next() < EXPIRY_MILLIS) {
				break;
			}
			it.remove();
			removed++;
		}
		return removed;
	}

}
