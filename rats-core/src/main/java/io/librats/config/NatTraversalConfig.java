package io.librats.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * NAT traversal settings, the Java form of librats' {@code NatTraversalConfig}. Defaults contact no public server:
 * STUN and TURN lists are empty until configured. When either list is non-empty, {@link io.librats.RatsClient}
 * attaches the {@code "nat"} subsystem ({@link io.librats.nat.NatTraversal}) at start. The STUN timers follow RFC 8489
 * section 6.2.1 (RTO, Rc, Rm) and are configurable so that tests and labs run in seconds. ICE and hole punching
 * settings are carried for the subsystem that will read them.
 */
public final class NatTraversalConfig {

	private final boolean enableIce;
	private final boolean enableUpnp;
	private final boolean enableHolePunching;
	private final boolean enableTurnRelay;
	private final boolean preferIpv6;
	private final List<String> stunServers;
	private final List<TurnServer> turnServers;
	private final Duration iceGatheringTimeout;
	private final Duration iceConnectivityTimeout;
	private final int holePunchAttempts;
	private final Duration holePunchInterval;
	private final Duration turnAllocationTimeout;
	private final Duration turnRefreshInterval;
	private final double turnRefreshFraction;
	private final Duration stunRto;
	private final int stunRequestCount;
	private final int stunLastWaitMultiplier;
	private final Duration stunTcpTimeout;
	private final Duration natBehaviorTestTimeout;
	private final Duration natDetectionTtl;
	private final Duration addressCheckInterval;

	private NatTraversalConfig(Builder builder) {
		this.enableIce = builder.enableIce;
		this.enableUpnp = builder.enableUpnp;
		this.enableHolePunching = builder.enableHolePunching;
		this.enableTurnRelay = builder.enableTurnRelay;
		this.preferIpv6 = builder.preferIpv6;
		this.stunServers = List.copyOf(builder.stunServers);
		this.turnServers = List.copyOf(builder.turnServers);
		this.iceGatheringTimeout = positive(builder.iceGatheringTimeout, "iceGatheringTimeout");
		this.iceConnectivityTimeout = positive(builder.iceConnectivityTimeout, "iceConnectivityTimeout");
		this.holePunchAttempts = RatsConfig.atLeast(builder.holePunchAttempts, 1, "holePunchAttempts");
		this.holePunchInterval = positive(builder.holePunchInterval, "holePunchInterval");
		this.turnAllocationTimeout = positive(builder.turnAllocationTimeout, "turnAllocationTimeout");
		this.turnRefreshInterval = positive(builder.turnRefreshInterval, "turnRefreshInterval");
		if (!(builder.turnRefreshFraction > 0.0 && builder.turnRefreshFraction < 1.0)) {
			throw new IllegalArgumentException("turnRefreshFraction must be in (0, 1), was " + builder.turnRefreshFraction);
		}
		this.turnRefreshFraction = builder.turnRefreshFraction;
		this.stunRto = positive(builder.stunRto, "stunRto");
		this.stunRequestCount = RatsConfig.atLeast(builder.stunRequestCount, 1, "stunRequestCount");
		this.stunLastWaitMultiplier = RatsConfig.atLeast(builder.stunLastWaitMultiplier, 1, "stunLastWaitMultiplier");
		this.stunTcpTimeout = positive(builder.stunTcpTimeout, "stunTcpTimeout");
		this.natBehaviorTestTimeout = positive(builder.natBehaviorTestTimeout, "natBehaviorTestTimeout");
		this.natDetectionTtl = positive(builder.natDetectionTtl, "natDetectionTtl");
		this.addressCheckInterval = positive(builder.addressCheckInterval, "addressCheckInterval");
		for (String server : this.stunServers) {
			PeerAddress.parse(server);
		}
	}

	static Duration positive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	/** Whether any STUN or TURN server is configured, which is when the NAT subsystem is attached automatically. */
	public boolean hasServers() {
		return !this.stunServers.isEmpty() || !this.turnServers.isEmpty();
	}

	public static NatTraversalConfig defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	public boolean enableIce() { return this.enableIce; }
	public boolean enableUpnp() { return this.enableUpnp; }
	public boolean enableHolePunching() { return this.enableHolePunching; }
	/** Whether the node keeps a TURN TCP allocation (RFC 6062) as an extra listening address; needs turnServers. */
	public boolean enableTurnRelay() { return this.enableTurnRelay; }
	public boolean preferIpv6() { return this.preferIpv6; }
	/** STUN servers as {@code host:port}; empty by default so nothing public is contacted. */
	public List<String> stunServers() { return this.stunServers; }
	/** TURN servers with their long-term credentials; empty by default. */
	public List<TurnServer> turnServers() { return this.turnServers; }
	public Duration iceGatheringTimeout() { return this.iceGatheringTimeout; }
	public Duration iceConnectivityTimeout() { return this.iceConnectivityTimeout; }
	public int holePunchAttempts() { return this.holePunchAttempts; }
	public Duration holePunchInterval() { return this.holePunchInterval; }
	/** How long an Allocate (with its authenticated retry) may take before the TURN server counts as failed. */
	public Duration turnAllocationTimeout() { return this.turnAllocationTimeout; }
	/** The longest time between two refreshes of a TURN allocation, permission or channel binding. */
	public Duration turnRefreshInterval() { return this.turnRefreshInterval; }
	/** A TURN allocation is refreshed after this fraction of its granted lifetime (default 0.5). */
	public double turnRefreshFraction() { return this.turnRefreshFraction; }
	/** STUN initial retransmission timeout over UDP, RFC 8489 RTO (default 500 ms). */
	public Duration stunRto() { return this.stunRto; }
	/** STUN requests sent over UDP before giving up, RFC 8489 Rc (default 7). */
	public int stunRequestCount() { return this.stunRequestCount; }
	/** Multiple of RTO waited after the last request, RFC 8489 Rm (default 16). */
	public int stunLastWaitMultiplier() { return this.stunLastWaitMultiplier; }
	/** Transaction timeout of STUN over TCP (default 39.5 s, as RFC 8489). */
	public Duration stunTcpTimeout() { return this.stunTcpTimeout; }
	/**
	 * The longest wait of one RFC 5780 test whose answer may legitimately never come (filtering tests, CHANGE-REQUEST
	 * answered from another address); the UDP schedule is cut at this time (default 3 s).
	 */
	public Duration natBehaviorTestTimeout() { return this.natBehaviorTestTimeout; }
	/** How long a NAT behaviour result is reused before it is measured again (default 10 min). */
	public Duration natDetectionTtl() { return this.natDetectionTtl; }
	/** How often the local addresses are checked; a change drops the cached NAT result (default 30 s). */
	public Duration addressCheckInterval() { return this.addressCheckInterval; }

	@Override
	public String toString() {
		return "NatTraversalConfig[ice=" + this.enableIce + ", upnp=" + this.enableUpnp + ", holePunching="
				+ this.enableHolePunching + ", turnRelay=" + this.enableTurnRelay + ", stunServers=" + this.stunServers
				+ ", turnServers=" + this.turnServers + "]";
	}

	/** Builder for {@link NatTraversalConfig}. */
	public static final class Builder {

		private boolean enableIce = true;
		private boolean enableUpnp = false;
		private boolean enableHolePunching = true;
		private boolean enableTurnRelay = true;
		private boolean preferIpv6 = false;
		private List<String> stunServers = List.of();
		private List<TurnServer> turnServers = List.of();
		private Duration iceGatheringTimeout = Duration.ofSeconds(10);
		private Duration iceConnectivityTimeout = Duration.ofSeconds(20);
		private int holePunchAttempts = 5;
		private Duration holePunchInterval = Duration.ofMillis(200);
		private Duration turnAllocationTimeout = Duration.ofSeconds(10);
		private Duration turnRefreshInterval = Duration.ofMinutes(5);
		private double turnRefreshFraction = 0.5;
		private Duration stunRto = Duration.ofMillis(500);
		private int stunRequestCount = 7;
		private int stunLastWaitMultiplier = 16;
		private Duration stunTcpTimeout = Duration.ofMillis(39_500);
		private Duration natBehaviorTestTimeout = Duration.ofSeconds(3);
		private Duration natDetectionTtl = Duration.ofMinutes(10);
		private Duration addressCheckInterval = Duration.ofSeconds(30);

		private Builder() {
		}

		public Builder enableIce(boolean value) { this.enableIce = value; return this; }
		public Builder enableUpnp(boolean value) { this.enableUpnp = value; return this; }
		public Builder enableHolePunching(boolean value) { this.enableHolePunching = value; return this; }
		public Builder enableTurnRelay(boolean value) { this.enableTurnRelay = value; return this; }
		public Builder preferIpv6(boolean value) { this.preferIpv6 = value; return this; }
		public Builder stunServers(List<String> value) { this.stunServers = List.copyOf(value); return this; }
		public Builder turnServers(List<TurnServer> value) { this.turnServers = List.copyOf(value); return this; }
		public Builder iceGatheringTimeout(Duration value) { this.iceGatheringTimeout = value; return this; }
		public Builder iceConnectivityTimeout(Duration value) { this.iceConnectivityTimeout = value; return this; }
		public Builder holePunchAttempts(int value) { this.holePunchAttempts = value; return this; }
		public Builder holePunchInterval(Duration value) { this.holePunchInterval = value; return this; }
		public Builder turnAllocationTimeout(Duration value) { this.turnAllocationTimeout = value; return this; }
		public Builder turnRefreshInterval(Duration value) { this.turnRefreshInterval = value; return this; }
		public Builder turnRefreshFraction(double value) { this.turnRefreshFraction = value; return this; }
		public Builder stunRto(Duration value) { this.stunRto = value; return this; }
		public Builder stunRequestCount(int value) { this.stunRequestCount = value; return this; }
		public Builder stunLastWaitMultiplier(int value) { this.stunLastWaitMultiplier = value; return this; }
		public Builder stunTcpTimeout(Duration value) { this.stunTcpTimeout = value; return this; }
		public Builder natBehaviorTestTimeout(Duration value) { this.natBehaviorTestTimeout = value; return this; }
		public Builder natDetectionTtl(Duration value) { this.natDetectionTtl = value; return this; }
		public Builder addressCheckInterval(Duration value) { this.addressCheckInterval = value; return this; }

		public NatTraversalConfig build() {
			return new NatTraversalConfig(this);
		}

	}

}
