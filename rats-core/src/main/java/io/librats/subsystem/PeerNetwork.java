package io.librats.subsystem;

import java.util.concurrent.CompletableFuture;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionListener;
import io.librats.transport.StreamSessions;

/** The part of a node's network that subsystems may drive. */
public interface PeerNetwork {

	CompletableFuture<ConnectionAttemptResult> connect(String host, int port);

	boolean isConnected(String peerId);

	int peerCount();

	int maxPeers();

	void addConnectionListener(ConnectionListener listener);

	void removeConnectionListener(ConnectionListener listener);

	/**
	 * Rats sessions over streams the subsystem opens itself (a TURN relayed connection), while the node runs.
	 * @throws IllegalStateException when the node is not running
	 */
	StreamSessions streams();

}
