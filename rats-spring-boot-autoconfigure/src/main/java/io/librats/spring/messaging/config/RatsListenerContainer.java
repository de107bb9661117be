package io.librats.spring.messaging.config;

import java.util.List;

import io.librats.RatsClient;
import io.librats.message.Delivery;
import io.librats.message.MessageHandler;

/**
 * One running {@code @RatsListener}: while started, its handler is registered with the client for each of its message
 * types. Held by the {@link RatsListenerEndpointRegistry}; stopping one container silences that listener only.
 */
public final class RatsListenerContainer {

	private final String id;

	private final List<String> types;

	private final Delivery delivery;

	private final RatsClient client;

	private final MessageHandler handler;

	private boolean running;

	RatsListenerContainer(String id, List<String> types, Delivery delivery, RatsClient client, MessageHandler handler) {
		this.id = id;
		this.types = List.copyOf(types);
		this.delivery = delivery;
		this.client = client;
		this.handler = handler;
	}

	public String getId() {
		return this.id;
	}

	/** The message types this listener handles. */
	public List<String> getTypes() {
		return this.types;
	}

	public Delivery getDelivery() {
		return this.delivery;
	}

	/** Registers the listener for its types; messages arriving from now on reach it. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			for (String type : this.types) {
				this.client.on(type, this.handler, this.delivery);
			}
		}
		catch (RuntimeException ex) {
			unregister();
			throw new IllegalStateException("Cannot start listener '" + this.id + "': " + ex.getMessage(), ex);
		}
		this.running = true;
	}

	/** Unregisters the listener; messages already being handled finish. */
	public synchronized void stop() {
		if (this.running) {
			unregister();
			this.running = false;
		}
	}

	private void unregister() {
		for (String type : this.types) {
			this.client.off(type, this.handler);
		}
	}

	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public String toString() {
		return "RatsListenerContainer[id=" + this.id + ", types=" + this.types + ", delivery=" + this.delivery + "]";
	}

}
