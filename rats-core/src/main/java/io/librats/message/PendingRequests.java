package io.librats.message;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.metrics.RatsMetrics;
import io.librats.transport.PeerConnection;
import io.librats.transport.PeerNotConnectedException;
import tools.jackson.databind.JsonNode;

/**
 * Requests waiting for their reply, per peer, bounded in number and in time. A reply completes its future on the
 * peer's ordered executor, never on an event loop, so callers' continuations may block.
 */
final class PendingRequests {

	private final Map<String, Map<Integer, CompletableFuture<JsonNode>>> byPeer = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	private final int maxPerPeer;

	private final RatsMetrics metrics;

	PendingRequests(int maxPerPeer, RatsMetrics metrics) {
		this.maxPerPeer = maxPerPeer;
		this.metrics = metrics;
	}

	/** Registers a request to {@code connection}'s peer; returns its id, or -1 if too many are outstanding. */
	int register(PeerConnection connection, CompletableFuture<JsonNode> future, Duration timeout) {
		Map<Integer, CompletableFuture<JsonNode>> pending = this.byPeer.computeIfAbsent(connection.peerId(),
				(key) -> new ConcurrentHashMap<>());
		if (pending.size() >= this.maxPerPeer) {
			return -1;
		}
		// Ids stay positive and skip 0 when the counter wraps after 2^31 requests.
		int id = this.ids.updateAndGet((last) -> (last == Integer.MAX_VALUE) ? 1 : last + 1);
		pending.put(id, future);
		connection.eventLoop().schedule(() -> {
			if (pending.remove(id, future)) {
				this.metrics.increment(RatsMetrics.REQUESTS_TIMED_OUT);
				connection.orderedExecutor().execute(() -> future.completeExceptionally(new TimeoutException(
						"no reply from " + connection.peerId() + " within " + timeout.toMillis() + " ms")));
			}
		}, timeout.toMillis(), TimeUnit.MILLISECONDS);
		return id;
	}

	/** Takes the request a reply answers, or {@code null} if it timed out or never existed. */
	CompletableFuture<JsonNode> take(String peerId, int id) {
		Map<Integer, CompletableFuture<JsonNode>> pending = this.byPeer.get(peerId);
		return (pending != null) ? pending.remove(id) : null;
	}

	/** Fails every request to a peer that has gone, on that peer's ordered executor. */
	void failAll(PeerConnection connection, String reason) {
		Map<Integer, CompletableFuture<JsonNode>> pending = this.byPeer.remove(connection.peerId());
		if (pending != null) {
			PeerNotConnectedException cause = new PeerNotConnectedException("peer " + connection.peerId()
					+ " disconnected before replying: " + reason);
			connection.orderedExecutor()
				.execute(() -> pending.values().forEach((future) -> future.completeExceptionally(cause)));
		}
	}

}
