package io.librats.spring.event;

import io.librats.RatsClient;
import org.springframework.context.ApplicationEvent;

/** Something happened on the application's rats node; the source is the {@link RatsClient}. */
public abstract class RatsEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	protected RatsEvent(RatsClient source) {
		super(source);
	}

	public RatsClient getClient() {
		return (RatsClient) getSource();
	}

}
