package io.librats.mdns;

/** Names of the mDNS counters in {@link io.librats.metrics.RatsMetrics}; stable, prefixed {@code mdns.}. */
public final class MdnsMetrics {

	/** Packets received (both families, all interfaces). */
	public static final String PACKETS_IN = "mdns.packets.in";
	/** Packets sent. */
	public static final String PACKETS_OUT = "mdns.packets.out";
	/** Packets dropped because they are not well-formed DNS messages (bad names, pointers, lengths, counts). */
	public static final String PACKETS_MALFORMED = "mdns.packets.malformed";
	/** Packets dropped unread: from off the link, a non-zero opcode or rcode, a response not from port 5353. */
	public static final String PACKETS_IGNORED = "mdns.packets.ignored";
	/** Packets that could not be sent (socket error). */
	public static final String SEND_FAILURES = "mdns.packets.send-failed";
	/** Probe rounds sent (one per probe, all interfaces). */
	public static final String PROBES_SENT = "mdns.probes.sent";
	/** Simultaneous-probe tie-breaks lost (RFC 6762 section 8.2): we waited a second and probed again. */
	public static final String TIE_BREAKS_LOST = "mdns.probes.tie-breaks-lost";
	/** Conflicts for our instance or host name (RFC 6762 section 9). */
	public static final String CONFLICTS = "mdns.conflicts";
	/** Announcement rounds sent. */
	public static final String ANNOUNCEMENTS_SENT = "mdns.announcements.sent";
	/** Goodbye rounds sent (records with TTL 0). */
	public static final String GOODBYES_SENT = "mdns.goodbyes.sent";
	/** Queries answered (after known-answer suppression left something to say). */
	public static final String ANSWERS_SENT = "mdns.answers.sent";
	/** Browse queries sent (continuous querying, refreshes, resolves). */
	public static final String QUERIES_SENT = "mdns.queries.sent";
	/** Records evicted from a full cache. */
	public static final String CACHE_EVICTED = "mdns.cache.evicted";
	/** Rats services found (complete: SRV, TXT and an address). */
	public static final String SERVICES_FOUND = "mdns.services.found";
	/** Rats services gone (goodbye or expiry). */
	public static final String SERVICES_LOST = "mdns.services.lost";
	/** Services ignored: another app namespace or protocol version, an unusable TXT, or over the services limit. */
	public static final String SERVICES_IGNORED = "mdns.services.ignored";

	private MdnsMetrics() {
	}

}
