package io.librats.spring.event;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;

/** A connection attempt finished, successfully or not: the application's own, a reconnect or a discovery dial. */
public class ConnectionAttemptEvent extends RatsEvent {

	private static final long serialVersionUID = 1L;

	private final transient ConnectionAttemptResult result;

	public ConnectionAttemptEvent(RatsClient source, ConnectionAttemptResult result) {
		super(source);
		this.result = result;
	}

	public ConnectionAttemptResult getResult() {
		return this.result;
	}

}
