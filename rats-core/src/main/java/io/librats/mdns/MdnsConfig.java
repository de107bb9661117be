package io.librats.mdns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of mDNS / DNS-SD local discovery ({@link MdnsDiscovery}). Immutable; built with {@link #builder()}. The
 * defaults follow RFC 6762; every timer can be shortened so tests run in seconds.
 */
public final class MdnsConfig {

	private final String serviceName;
	private final List<String> interfaces;
	private final String namespace;
	private final boolean ipv4;
	private final boolean ipv6;
	private final Duration probeInterval;
	private final int announceCount;
	private final Duration announceInterval;
	private final Duration queryInterval;
	private final Duration maxQueryInterval;
	private final Duration interfacePollInterval;
	private final Duration hostTtl;
	private final Duration serviceTtl;
	private final int maxCachedRecords;
	private final int maxServices;

	private MdnsConfig(Builder b) {
		this.serviceName = b.serviceName;
		if (this.serviceName != null) {
			DnsName.of(List.of(this.serviceName)); // validates: 1..63 bytes of UTF-8
		}
		this.interfaces = List.copyOf(b.interfaces);
		this.namespace = b.namespace;
		if (!b.ipv4 && !b.ipv6) {
			throw new IllegalArgumentException("mDNS needs IPv4, IPv6 or both");
		}
		this.ipv4 = b.ipv4;
		this.ipv6 = b.ipv6;
		this.probeInterval = positive(b.probeInterval, "probeInterval");
		if (b.announceCount < 2 || b.announceCount > 8) {
			throw new IllegalArgumentException("announceCount must be 2..8 (RFC 6762 section 8.3), was " + b.announceCount);
		}
		this.announceCount = b.announceCount;
		this.announceInterval = positive(b.announceInterval, "announceInterval");
		this.queryInterval = positive(b.queryInterval, "queryInterval");
		this.maxQueryInterval = positive(b.maxQueryInterval, "maxQueryInterval");
		if (this.maxQueryInterval.compareTo(this.queryInterval) < 0) {
			throw new IllegalArgumentException("maxQueryInterval is shorter than queryInterval");
		}
		this.interfacePollInterval = positive(b.interfacePollInterval, "interfacePollInterval");
		this.hostTtl = seconds(b.hostTtl, "hostTtl");
		this.serviceTtl = seconds(b.serviceTtl, "serviceTtl");
		if (b.maxCachedRecords < 16) {
			throw new IllegalArgumentException("maxCachedRecords must be at least 16, was " + b.maxCachedRecords);
		}
		this.maxCachedRecords = b.maxCachedRecords;
		if (b.maxServices < 1) {
			throw new IllegalArgumentException("maxServices must be at least 1, was " + b.maxServices);
		}
		this.maxServices = b.maxServices;
	}

	private static Duration positive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	private static Duration seconds(Duration value, String name) {
		positive(value, name);
		if (value.toSeconds() < 1 || value.toSeconds() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(name + " must be 1 s or more in whole seconds, was " + value);
		}
		return Duration.ofSeconds(value.toSeconds());
	}

	public static MdnsConfig defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder holding this configuration's values. */
	public Builder toBuilder() {
		Builder b = new Builder();
		b.serviceName = this.serviceName;
		b.interfaces = new ArrayList<>(this.interfaces);
		b.namespace = this.namespace;
		b.ipv4 = this.ipv4;
		b.ipv6 = this.ipv6;
		b.probeInterval = this.probeInterval;
		b.announceCount = this.announceCount;
		b.announceInterval = this.announceInterval;
		b.queryInterval = this.queryInterval;
		b.maxQueryInterval = this.maxQueryInterval;
		b.interfacePollInterval = this.interfacePollInterval;
		b.hostTtl = this.hostTtl;
		b.serviceTtl = this.serviceTtl;
		b.maxCachedRecords = this.maxCachedRecords;
		b.maxServices = this.maxServices;
		return b;
	}

	/** The DNS-SD instance name wanted, or {@code null} for the host name plus a short peer-id suffix. */
	public String serviceName() { return this.serviceName; }

	/** Interface names to run on; empty means every interface that is up, multicast-capable and not loopback. */
	public List<String> interfaces() { return this.interfaces; }

	/** The application namespace advertised and required of peers, or {@code null} for the node's protocol id. */
	public String namespace() { return this.namespace; }

	public boolean ipv4() { return this.ipv4; }

	public boolean ipv6() { return this.ipv6; }

	public Duration probeInterval() { return this.probeInterval; }

	public int announceCount() { return this.announceCount; }

	public Duration announceInterval() { return this.announceInterval; }

	public Duration queryInterval() { return this.queryInterval; }

	public Duration maxQueryInterval() { return this.maxQueryInterval; }

	public Duration interfacePollInterval() { return this.interfacePollInterval; }

	public Duration hostTtl() { return this.hostTtl; }

	public Duration serviceTtl() { return this.serviceTtl; }

	public int maxCachedRecords() { return this.maxCachedRecords; }

	public int maxServices() { return this.maxServices; }

	@Override
	public String toString() {
		return "MdnsConfig[serviceName=" + this.serviceName + ", interfaces=" + this.interfaces + ", namespace="
				+ this.namespace + ", ipv4=" + this.ipv4 + ", ipv6=" + this.ipv6 + ", queryInterval="
				+ this.queryInterval + ", maxQueryInterval=" + this.maxQueryInterval + "]";
	}

	/** Builds an {@link MdnsConfig}; every setting has an RFC 6762 default. */
	public static final class Builder {

		private String serviceName;
		private List<String> interfaces = new ArrayList<>();
		private String namespace;
		private boolean ipv4 = true;
		private boolean ipv6 = true;
		private Duration probeInterval = Duration.ofMillis(250);
		private int announceCount = 2;
		private Duration announceInterval = Duration.ofSeconds(1);
		private Duration queryInterval = Duration.ofSeconds(1);
		private Duration maxQueryInterval = Duration.ofMinutes(60);
		private Duration interfacePollInterval = Duration.ofSeconds(5);
		private Duration hostTtl = Duration.ofSeconds(120);
		private Duration serviceTtl = Duration.ofMinutes(75);
		private int maxCachedRecords = 1024;
		private int maxServices = 256;

		private Builder() {
		}

		/** DNS-SD instance name (one label of 1..63 UTF-8 bytes; dots and spaces allowed); {@code null} = default. */
		public Builder serviceName(String value) { this.serviceName = value; return this; }

		/** Interfaces by name; empty = all that are up, multicast-capable and not loopback. */
		public Builder interfaces(List<String> value) { this.interfaces = new ArrayList<>(value); return this; }

		/** Application namespace in the TXT record ({@code ns}); {@code null} = the node's protocol id. */
		public Builder namespace(String value) { this.namespace = value; return this; }

		public Builder ipv4(boolean value) { this.ipv4 = value; return this; }

		public Builder ipv6(boolean value) { this.ipv6 = value; return this; }

		/** Time between the three probes (RFC 6762 section 8.1: 250 ms). */
		public Builder probeInterval(Duration value) { this.probeInterval = value; return this; }

		/** Unsolicited announcements after probing (section 8.3: at least 2). */
		public Builder announceCount(int value) { this.announceCount = value; return this; }

		/** Time between announcements (section 8.3: 1 s). */
		public Builder announceInterval(Duration value) { this.announceInterval = value; return this; }

		/** First interval of continuous querying, doubled after each query (section 5.2: 1 s). */
		public Builder queryInterval(Duration value) { this.queryInterval = value; return this; }

		/** Cap of the query interval (section 5.2: 60 minutes). */
		public Builder maxQueryInterval(Duration value) { this.maxQueryInterval = value; return this; }

		/** How often interfaces and their addresses are checked for changes. */
		public Builder interfacePollInterval(Duration value) { this.interfacePollInterval = value; return this; }

		/** TTL of records naming the host: SRV, A, AAAA (section 10: 120 s). */
		public Builder hostTtl(Duration value) { this.hostTtl = value; return this; }

		/** TTL of the other records: PTR, TXT (section 10: 75 minutes). */
		public Builder serviceTtl(Duration value) { this.serviceTtl = value; return this; }

		/** Records kept from other hosts at most; the soonest to expire is evicted first. */
		public Builder maxCachedRecords(int value) { this.maxCachedRecords = value; return this; }

		/** Discovered services listed at most. */
		public Builder maxServices(int value) { this.maxServices = value; return this; }

		public MdnsConfig build() {
			return new MdnsConfig(this);
		}

	}

}
