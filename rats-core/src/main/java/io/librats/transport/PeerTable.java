package io.librats.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.librats.metrics.RatsMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admitted peers, at most one connection each. Decides admission after the rats handshake: refuses ourselves,
 * enforces the peer limit, and settles duplicate connections between the same two peers by a rule both sides compute
 * alike (see {@link #preferred}), so a simultaneous connect keeps exactly one connection. Decisions are made under
 * this object's lock; events are raised after it is released.
 */
final class PeerTable {

	private static final Logger logger = LoggerFactory.getLogger(PeerTable.class);

	private final String selfId;

	private final int maxPeers;

	private final Duration replacementGrace;

	private final RatsMetrics metrics;

	private final ConnectionEvents events;

	private final Map<String, PeerConnection> peers = new ConcurrentHashMap<>();

	/** Current connections the peer closed as duplicates, waiting briefly for their replacement; guarded by this. */
	private final Map<String, PeerConnection> awaitingReplacement = new HashMap<>();

	/** Futures waiting for a peer to be admitted; guarded by this. */
	private final Map<String, List<CompletableFuture<PeerConnection>>> waiters = new HashMap<>();

	private enum Decision { ADMITTED, REPLACED, RESUMED, DUPLICATE, SELF, PEER_LIMIT }

	PeerTable(String selfId, int maxPeers, Duration replacementGrace, RatsMetrics metrics, ConnectionEvents events) {
		this.selfId = selfId;
		this.maxPeers = maxPeers;
		this.replacementGrace = replacementGrace;
		this.metrics = metrics;
		this.events = events;
	}

	PeerConnection get(String peerId) {
		return this.peers.get(peerId);
	}

	Collection<PeerConnection> connections() {
		return this.peers.values();
	}

	int size() {
		return this.peers.size();
	}

	boolean isFull() {
		return this.peers.size() >= this.maxPeers;
	}

	/**
	 * Admits or refuses a connection whose handshake just completed. {@code onAccepted} runs first when the
	 * connection is kept (the acceptor sends its HELLO there), before any event can trigger application writes.
	 */
	void admit(PeerConnection connection, Runnable onAccepted) {
		String peerId = connection.peerId();
		Decision decision;
		PeerConnection displaced = null;
		PeerConnection existing;
		List<CompletableFuture<PeerConnection>> admittedWaiters = null;
		synchronized (this) {
			existing = this.peers.get(peerId);
			if (peerId.equals(this.selfId)) {
				decision = Decision.SELF;
			}
			else if (existing != null) {
				if (preferred(connection, existing) == connection) {
					this.peers.put(peerId, connection);
					displaced = existing;
					decision = Decision.REPLACED;
				}
				else {
					decision = Decision.DUPLICATE;
				}
			}
			else if (this.peers.size() >= this.maxPeers) {
				decision = Decision.PEER_LIMIT;
			}
			else if (this.awaitingReplacement.remove(peerId) != null) {
				this.peers.put(peerId, connection);
				decision = Decision.RESUMED;
			}
			else {
				this.peers.put(peerId, connection);
				decision = Decision.ADMITTED;
			}
			if (decision == Decision.ADMITTED || decision == Decision.REPLACED || decision == Decision.RESUMED) {
				admittedWaiters = this.waiters.remove(peerId);
			}
		}
		switch (decision) {
			case SELF -> {
				this.metrics.increment(RatsMetrics.SELF_CONNECTIONS);
				refuse(connection, GoodbyeReason.SELF, "connected to our own peer id");
			}
			case PEER_LIMIT -> {
				this.metrics.increment(RatsMetrics.REJECTED_PEER_LIMIT);
				refuse(connection, GoodbyeReason.PEER_LIMIT, "this node has " + this.maxPeers + " peers");
			}
			case DUPLICATE -> {
				this.metrics.increment(RatsMetrics.DUPLICATE_CONNECTIONS);
				connection.resolveTo(CompletableFuture.completedFuture(existing));
				connection.close(GoodbyeReason.DUPLICATE, null);
			}
			case REPLACED, RESUMED, ADMITTED -> {
				onAccepted.run();
				connection.markEstablished();
				FrameDecoder frames = connection.channel().pipeline().get(FrameDecoder.class);
				if (frames != null) {
					frames.admitted();
				}
				if (displaced != null) {
					this.metrics.increment(RatsMetrics.DUPLICATE_CONNECTIONS);
					displaced.close(GoodbyeReason.DUPLICATE, null);
				}
				if (decision == Decision.ADMITTED) {
					this.metrics.increment((connection.direction() == Direction.INBOUND)
							? RatsMetrics.CONNECTIONS_INBOUND : RatsMetrics.CONNECTIONS_OUTBOUND);
					logger.debug("Admitted {}", connection);
					this.events.peerConnected(connection);
				}
				if (admittedWaiters != null) {
					admittedWaiters.forEach((waiter) -> waiter.complete(connection));
				}
			}
		}
	}

	private static void refuse(PeerConnection connection, GoodbyeReason reason, String detail) {
		connection.recordFailure(new ConnectionRejectedException(reason, false, detail));
		connection.close(reason, detail);
	}

	/**
	 * Of two connections between the same two peers, the one to keep: the one dialed by the peer with the smaller
	 * id; if one peer dialed both, the one whose dialer's HELLO nonce is smaller. Both sides know both inputs.
	 */
	static PeerConnection preferred(PeerConnection a, PeerConnection b) {
		int byDialer = dialerId(a).compareTo(dialerId(b));
		if (byDialer != 0) {
			return (byDialer < 0) ? a : b;
		}
		return (Long.compareUnsigned(dialerNonce(a), dialerNonce(b)) <= 0) ? a : b;
	}

	private static String dialerId(PeerConnection c) {
		return (c.direction() == Direction.OUTBOUND) ? c.localHello().peerId() : c.remoteHello().peerId();
	}

	private static long dialerNonce(PeerConnection c) {
		return (c.direction() == Direction.OUTBOUND) ? c.localHello().nonce() : c.remoteHello().nonce();
	}

	/** Completes when {@code peerId} is admitted, or fails after {@code timeout}. */
	CompletableFuture<PeerConnection> awaitPeer(String peerId, Duration timeout) {
		CompletableFuture<PeerConnection> future = new CompletableFuture<>();
		synchronized (this) {
			PeerConnection current = this.peers.get(peerId);
			if (current != null) {
				return CompletableFuture.completedFuture(current);
			}
			this.waiters.computeIfAbsent(peerId, (key) -> new ArrayList<>()).add(future);
		}
		return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((c, ex) -> {
			synchronized (this) {
				List<CompletableFuture<PeerConnection>> list = this.waiters.get(peerId);
				if (list != null && list.remove(future) && list.isEmpty()) {
					this.waiters.remove(peerId);
				}
			}
		});
	}

	/** Called once when a connection's channel has closed, admitted or not. */
	void closed(PeerConnection connection) {
		String peerId = connection.peerId();
		boolean wasCurrent = false;
		boolean deferred = false;
		if (peerId != null) {
			synchronized (this) {
				wasCurrent = this.peers.remove(peerId, connection);
				if (wasCurrent && connection.goodbyeReceivedReason() == GoodbyeReason.DUPLICATE) {
					this.awaitingReplacement.put(peerId, connection);
					deferred = true;
				}
			}
		}
		Throwable failure = connection.failure();
		connection.failEstablishment((failure != null) ? failure
				: new PeerNotConnectedException("connection closed during the handshake"));
		if (!wasCurrent) {
			return;
		}
		String reason = describe(connection);
		if (deferred) {
			// The peer kept another connection to us; it normally arrives within a round trip.
			connection.eventLoop().schedule(() -> {
				boolean gone;
				synchronized (this) {
					gone = this.awaitingReplacement.remove(peerId, connection);
				}
				if (gone) {
					this.events.peerDisconnected(connection, reason);
				}
			}, this.replacementGrace.toMillis(), TimeUnit.MILLISECONDS);
		}
		else {
			this.events.peerDisconnected(connection, reason);
		}
	}

	void writabilityChanged(PeerConnection connection, boolean writable) {
		String peerId = connection.peerId();
		if (peerId != null && this.peers.get(peerId) == connection) {
			this.events.writabilityChanged(connection, writable);
		}
	}

	private static String describe(PeerConnection connection) {
		GoodbyeReason goodbye = connection.goodbyeReceivedReason();
		if (goodbye != null) {
			return "peer said goodbye: " + goodbye.description();
		}
		Throwable failure = connection.failure();
		return (failure != null) ? failure.getMessage() : "connection closed";
	}

}
