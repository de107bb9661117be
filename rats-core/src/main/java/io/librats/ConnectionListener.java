package io.librats;

import io.librats.transport.PeerInfo;

/**
 * Hears peers arrive and leave. Called on the handler pool in the peer's order: a peer's connection event comes
 * before its first message, its disconnection after its last.
 */
public interface ConnectionListener {

	default void onPeerConnected(PeerInfo peer) {
	}

	default void onPeerDisconnected(PeerInfo peer, String reason) {
	}

}
