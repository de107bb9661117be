package io.librats.transport;

/** What the transport reports about peers, called on an event loop: implementations must not block. */
public interface ConnectionEvents {

	/** A peer completed the rats handshake and was admitted. */
	void peerConnected(PeerConnection connection);

	/** An admitted peer is gone (and was not replaced by a duplicate connection). */
	void peerDisconnected(PeerConnection connection, String reason);

	/** The peer's writability changed. */
	default void writabilityChanged(PeerConnection connection, boolean writable) {
	}

}
