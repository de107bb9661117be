package io.librats.mdns;

import java.util.List;

/**
 * A snapshot of the mDNS subsystem, for Actuator.
 *
 * @param instanceName the instance name we advertise (after any rename)
 * @param serviceType the DNS-SD service type, {@code _rats._tcp.local.}
 * @param state {@code PROBING}, {@code ANNOUNCING}, {@code ANNOUNCED} or {@code STOPPED}
 * @param interfaces the interfaces mDNS runs on
 * @param services rats services currently discovered
 * @param cachedRecords records in the cache
 * @param queryIntervalMillis the current interval of continuous querying
 */
public record MdnsStats(String instanceName, String serviceType, String state, List<String> interfaces, int services,
		int cachedRecords, long queryIntervalMillis) {

	public MdnsStats {
		interfaces = List.copyOf(interfaces);
	}

}
