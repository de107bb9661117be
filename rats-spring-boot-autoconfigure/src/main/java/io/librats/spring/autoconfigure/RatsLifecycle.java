package io.librats.spring.autoconfigure;

import java.time.Instant;

import io.librats.RatsClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the rats node once every singleton exists (so every listener is registered before the first peer arrives)
 * and stops it gracefully on shutdown: subsystems stopped, goodbye to every peer, known peers saved. With
 * {@code rats.fail-fast=false} a node that cannot start does not fail the application; the failure is kept for the
 * health indicator instead.
 */
public class RatsLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RatsLifecycle.class);

	private final RatsClient client;

	private final boolean failFast;

	private volatile boolean running;

	private volatile Instant startedAt;

	private volatile RuntimeException startFailure;

	public RatsLifecycle(RatsClient client, boolean failFast) {
		this.client = client;
		this.failFast = failFast;
	}

	@Override
	public void start() {
		try {
			this.client.start();
			this.startedAt = Instant.now();
			this.startFailure = null;
			this.running = true;
		}
		catch (RuntimeException ex) {
			if (this.failFast) {
				throw ex;
			}
			this.startFailure = ex;
			logger.error("The rats node did not start and the application runs without it (rats.fail-fast=false): "
					+ ex.getMessage());
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.client.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** When the node last started, or {@code null} if it is not running. */
	public Instant startedAt() {
		return this.running ? this.startedAt : null;
	}

	/** Why the node failed to start when {@code rats.fail-fast=false}, or {@code null}. */
	public RuntimeException startFailure() {
		return this.startFailure;
	}

}
