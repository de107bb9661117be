package io.librats.subsystem;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Services one subsystem offers another, by type: for example NAT detection offering the public address to the DHT
 * for BEP 42. Thread-safe.
 */
public final class ServiceRegistry {

	private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

	/** Registers {@code service} under {@code type}; a second registration of the same type is an error. */
	public <T> void register(Class<T> type, T service) {
		if (this.services.putIfAbsent(type, type.cast(service)) != null) {
			throw new IllegalStateException("a " + type.getName() + " is already registered");
		}
	}

	public <T> void unregister(Class<T> type, T service) {
		this.services.remove(type, service);
	}

	public <T> Optional<T> find(Class<T> type) {
		return Optional.ofNullable(type.cast(this.services.get(type)));
	}

}
