package io.librats.spring.event;

import io.librats.RatsClient;
import io.librats.transport.PeerInfo;

/** A peer completed its handshake and is connected. Published before its first message is handled. */
public class PeerConnectedEvent extends RatsEvent {

	private static final long serialVersionUID = 1L;

	private final transient PeerInfo peer;

	public PeerConnectedEvent(RatsClient source, PeerInfo peer) {
		super(source);
		this.peer = peer;
	}

	public PeerInfo getPeer() {
		return this.peer;
	}

}
