package io.librats.subsystem;

/**
 * An opt-in feature of a node (DHT discovery, mDNS, NAT traversal, ...). Attached to a
 * {@link io.librats.RatsClient} before or after {@code start()}: it starts once the transport listens (at once when
 * attached to a running node) and stops before the transport closes or when detached. A subsystem never holds the client: it reaches the rest of the node only through the
 * {@link SubsystemContext} it is started with.
 */
public interface RatsSubsystem {

	/** Short lower-case name for logs, metrics and Actuator, for example {@code "dht"}. */
	String name();

	/**
	 * Starts the subsystem. Called once per client start, in attachment order. Failing here fails the client's
	 * start, and subsystems already started are stopped again.
	 */
	void start(SubsystemContext context) throws Exception;

	/**
	 * Stops the subsystem and releases its sockets and threads; bounded in time, never throws. Also called after a
	 * {@code start} that threw, so that whatever it had opened is released.
	 */
	void stop();

}
