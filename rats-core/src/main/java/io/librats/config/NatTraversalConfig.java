package io.librats.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * NAT traversal settings, the Java form of librats' {@code NatTraversalConfig}. Defaults contact no public server:
 * STUN and TURN lists are empty until configured. Only {@link io.librats.ConnectionStrategy#DIRECT} is implemented in
 * this release; the other fields are carried for the NAT subsystems that read them.
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
	}

	static Duration positive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
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
	public boolean enableTurnRelay() { return this.enableTurnRelay; }
	public boolean preferIpv6() { return this.preferIpv6; }
	/** STUN servers as {@code host:port}; empty by default so nothing public is contacted. */
	public List<String> stunServers() { return this.stunServers; }
	public List<TurnServer> turnServers() { return this.turnServers; }
	public Duration iceGatheringTimeout() { return this.iceGatheringTimeout; }
	public Duration iceConnectivityTimeout() { return this.iceConnectivityTimeout; }
	public int holePunchAttempts() { return this.holePunchAttempts; }
	public Duration holePunchInterval() { return this.holePunchInterval; }
	public Duration turnAllocationTimeout() { return this.turnAllocationTimeout; }
	public Duration turnRefreshInterval() { return this.turnRefreshInterval; }

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

		public NatTraversalConfig build() {
			return new NatTraversalConfig(this);
		}

	}

}
