package io.librats.spring.event;

import io.librats.RatsClient;
import io.librats.transport.PeerInfo;

/** A connected peer left: goodbye, timeout, error or our own disconnect. Published after its last message. */
public class PeerDisconnectedEvent extends RatsEvent {

	private static final long serialVersionUID = 1L;

	private final transient PeerInfo peer;

	private final String reason;

	public PeerDisconnectedEvent(RatsClient source, PeerInfo peer, String reason) {
		super(source);
		this.peer = peer;
		this.reason = reason;
	}

	/** The peer as last seen, with its final traffic counters. */
	public PeerInfo getPeer() {
		return this.peer;
	}

	public String getReason() {
		return this.reason;
	}

}
