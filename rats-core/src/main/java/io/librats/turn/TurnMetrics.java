package io.librats.turn;

/** Counter names of the TURN client, under the NAT subsystem's prefix. */
public final class TurnMetrics {

	public static final String ALLOCATIONS = "nat.turn.allocations";

	public static final String REFRESHES = "nat.turn.refreshes";

	public static final String REFRESH_FAILURES = "nat.turn.refresh-failures";

	/** 438 Stale Nonce answers that were retried with the new nonce. */
	public static final String STALE_NONCE = "nat.turn.stale-nonce";

	/** Data from the server that cannot be delivered: unknown channel, no peer address, not from the server. */
	public static final String DROPPED = "nat.turn.dropped";

	/** Relayed TCP connections opened (RFC 6062), incoming and outgoing. */
	public static final String RELAY_CONNECTIONS = "nat.turn.relay-connections";

	/** Relayed TCP connections whose ConnectionBind failed. */
	public static final String RELAY_CONNECTIONS_FAILED = "nat.turn.relay-connections-failed";

	private TurnMetrics() {
	}

}
