package io.librats.subsystem;

import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

import io.librats.config.RatsConfig;
import io.librats.metrics.RatsMetrics;

/** What a started subsystem may use of its node: narrow on purpose, so each subsystem can be tested alone. */
public interface SubsystemContext {

	/** The node's peer id. */
	String peerId();

	/** The TCP port the node accepts peers on. */
	int listenPort();

	RatsConfig config();

	/** The node's state directory, or {@code null} when the node keeps nothing on disk. */
	Path stateDir();

	/** The node's counters; subsystems prefix their names with their own name. */
	RatsMetrics metrics();

	/** A shared scheduler for short, non-blocking timer tasks. */
	ScheduledExecutorService scheduler();

	/** Connecting to peers and watching them. */
	PeerNetwork network();

	/** Services that subsystems offer each other. */
	ServiceRegistry services();

	/** Reports a peer found by this subsystem; the node tells its discovery listeners and may connect. */
	void peerDiscovered(DiscoveredPeer peer);

}
