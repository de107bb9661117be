package io.librats.subsystem;

import java.util.concurrent.CompletableFuture;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionListener;

/** The part of a node's network that subsystems may drive. */
public interface PeerNetwork {

	CompletableFuture<ConnectionAttemptResult> connect(String host, int port);

	boolean isConnected(String peerId);

	int peerCount();

	int maxPeers();

	void addConnectionListener(ConnectionListener listener);

	void removeConnectionListener(ConnectionListener listener);

}
