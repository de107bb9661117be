package io.librats.stun;

/** Counter names of the STUN/TURN clients, under the NAT subsystem's prefix. */
public final class StunMetrics {

	/** Inbound packets or frames that were not valid STUN/ChannelData, or failed checks; dropped. */
	public static final String MALFORMED = "nat.stun.malformed";

	/** Responses that match no transaction in progress (late, duplicate, spoofed); dropped. */
	public static final String UNMATCHED = "nat.stun.unmatched";

	/** Requests sent again by the UDP retransmission schedule. */
	public static final String RETRANSMISSIONS = "nat.stun.retransmissions";

	/** Transactions that ended without a response. */
	public static final String TIMEOUTS = "nat.stun.timeouts";

	/** Requests refused because too many transactions were in progress. */
	public static final String OVERLOADED = "nat.stun.overloaded";

	private StunMetrics() {
	}

}
