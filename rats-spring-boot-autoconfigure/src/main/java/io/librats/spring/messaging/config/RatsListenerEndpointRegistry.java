package io.librats.spring.messaging.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Holds one {@link RatsListenerContainer} per {@code @RatsListener} endpoint, by id, and starts and stops them with the
 * application context.
 *
 * <p>Its phase ({@link #PHASE}) is lower than the client's, so listeners are registered before the node accepts
 * peers and unregistered only after it has stopped: no message that arrives while the context runs finds its
 * listener missing.
 */
public class RatsListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

	/** Starts before, and stops after, lifecycle beans of the default phases (the rats client included). */
	public static final int PHASE = Integer.MAX_VALUE - 4096;

	private final Map<String, RatsListenerContainer> containers = new LinkedHashMap<>();

	private boolean running;

	/**
	 * Adds a container; starts it at once if the registry is running and {@code startIfRunning}.
	 * @throws IllegalStateException if a container with the same id exists
	 */
	synchronized void register(RatsListenerContainer container, boolean startIfRunning) {
		if (this.containers.putIfAbsent(container.getId(), container) != null) {
			throw new IllegalStateException("Another @RatsListener already has the id '" + container.getId() + "'");
		}
		if (this.running && startIfRunning) {
			container.start();
		}
	}

	/** The container of a listener id, or {@code null}. */
	public synchronized RatsListenerContainer getListenerContainer(String id) {
		return this.containers.get(id);
	}

	public synchronized Collection<RatsListenerContainer> getListenerContainers() {
		return List.copyOf(this.containers.values());
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			this.containers.values().forEach(RatsListenerContainer::start);
		}
		catch (RuntimeException ex) {
			this.containers.values().forEach(RatsListenerContainer::stop);
			throw ex;
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.containers.values().forEach(RatsListenerContainer::stop);
		this.running = false;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		stop();
	}

}
