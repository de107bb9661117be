package io.librats.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one node: connections, handshakes, protocol errors, messages. Names are dotted and stable, so the
 * Spring starter can publish them to Micrometer unchanged. Counting is lock-free and cheap on hot paths.
 */
public final class RatsMetrics {

	public static final String CONNECTIONS_INBOUND = "connections.inbound";
	public static final String CONNECTIONS_OUTBOUND = "connections.outbound";
	public static final String CONNECTIONS_FAILED = "connections.failed";
	public static final String REJECTED_PEER_LIMIT = "connections.rejected.peer-limit";
	public static final String REJECTED_HANDSHAKE_LIMIT = "connections.rejected.handshake-limit";
	public static final String DUPLICATE_CONNECTIONS = "connections.duplicate";
	public static final String SELF_CONNECTIONS = "connections.self";
	public static final String HANDSHAKE_FAILED = "handshake.failed";
	public static final String HANDSHAKE_TIMEOUT = "handshake.timeout";
	public static final String IDENTITY_MISMATCH = "handshake.identity-mismatch";
	public static final String INCOMPATIBLE_PEERS = "handshake.incompatible";
	public static final String DECRYPT_FAILED = "frames.decrypt-failed";
	public static final String MALFORMED_FRAMES = "frames.malformed";
	public static final String UNKNOWN_EXTENSION_FRAMES = "frames.unknown-extension";
	public static final String PEERS_TIMED_OUT = "peers.timed-out";
	public static final String MESSAGES_IN = "messages.in";
	public static final String MESSAGES_OUT = "messages.out";
	public static final String MESSAGES_UNHANDLED = "messages.unhandled";
	public static final String MESSAGES_MALFORMED = "messages.malformed";
	public static final String HANDLER_ERRORS = "handler.errors";
	public static final String SENDS_REJECTED = "sends.rejected.buffer-full";
	public static final String REQUESTS_TIMED_OUT = "requests.timed-out";
	public static final String REPLIES_UNMATCHED = "replies.unmatched";
	public static final String RECONNECT_ATTEMPTS = "reconnect.attempts";

	private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

	public void increment(String name) {
		counter(name).increment();
	}

	public void add(String name, long amount) {
		counter(name).add(amount);
	}

	public long get(String name) {
		LongAdder adder = this.counters.get(name);
		return (adder != null) ? adder.sum() : 0;
	}

	/** A sorted copy of every counter that has been touched. */
	public Map<String, Long> snapshot() {
		Map<String, Long> copy = new TreeMap<>();
		this.counters.forEach((name, adder) -> copy.put(name, adder.sum()));
		return copy;
	}

	private LongAdder counter(String name) {
		// Counted per message: a plain get first, as computeIfAbsent may lock the bin even when the key is there.
		LongAdder adder = this.counters.get(name);
		return (adder != null) ? adder : this.counters.computeIfAbsent(name, (key) -> new LongAdder());
	}

}
