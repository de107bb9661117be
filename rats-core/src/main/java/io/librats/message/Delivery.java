package io.librats.message;

/** Where a handler runs. */
public enum Delivery {

	/** On the node's handler pool, in per-peer order. The default; handlers may block. */
	EXECUTOR,

	/**
	 * On the connection's Netty event loop, as the frame is decoded: lowest latency, but the handler must never
	 * block or do slow work, or every peer on that loop stalls.
	 */
	IO_THREAD

}
