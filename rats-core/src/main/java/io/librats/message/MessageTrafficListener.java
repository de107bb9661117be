package io.librats.message;

/**
 * Hears every message a node sends or receives, for metrics. The type is the message's own only when a handler is
 * registered for it on this node, and {@link #OTHER} otherwise, because remote peers choose types freely and an
 * unbounded set of them must not become an unbounded set of metric names. BINARY frames have the type
 * {@link #BINARY}. Called on I/O threads: implementations must be quick and never block.
 */
@FunctionalInterface
public interface MessageTrafficListener {

	/** The type reported for messages of a type no handler is registered for. */
	String OTHER = "other";

	/** The type reported for BINARY frames. */
	String BINARY = "binary";

	/**
	 * @param inbound whether the message was received (else sent)
	 * @param type the message type, folded as described above
	 * @param bytes payload size in bytes (a sent message's whole frame)
	 */
	void onMessage(boolean inbound, String type, int bytes);

}
