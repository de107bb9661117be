package io.librats.spring.event;

import io.librats.RatsClient;
import io.librats.subsystem.DiscoveredPeer;

/** A discovery subsystem (DHT, mDNS) found a peer; the node dials it while it has room. */
public class PeerDiscoveredEvent extends RatsEvent {

	private static final long serialVersionUID = 1L;

	private final transient DiscoveredPeer peer;

	public PeerDiscoveredEvent(RatsClient source, DiscoveredPeer peer) {
		super(source);
		this.peer = peer;
	}

	public DiscoveredPeer getPeer() {
		return this.peer;
	}

}
