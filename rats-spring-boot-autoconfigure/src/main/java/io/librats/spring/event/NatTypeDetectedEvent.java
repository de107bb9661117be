package io.librats.spring.event;

import java.net.InetSocketAddress;
import java.time.Instant;

import io.librats.RatsClient;
import io.librats.nat.NatType;

/**
 * NAT detection (a NAT traversal subsystem, when one is attached) classified this node's NAT. The starter saves the
 * result in the state directory and shows it in the rats health and endpoint.
 */
public class NatTypeDetectedEvent extends RatsEvent {

	private static final long serialVersionUID = 1L;

	private final NatType natType;

	private final transient InetSocketAddress publicAddress;

	private final Instant detectedAt;

	/**
	 * @param natType the detected NAT type
	 * @param publicAddress the public (mapped) address STUN reported, or {@code null} if unknown
	 */
	public NatTypeDetectedEvent(RatsClient source, NatType natType, InetSocketAddress publicAddress) {
		super(source);
		this.natType = natType;
		this.publicAddress = publicAddress;
		this.detectedAt = Instant.now();
	}

	public NatType getNatType() {
		return this.natType;
	}

	public InetSocketAddress getPublicAddress() {
		return this.publicAddress;
	}

	public Instant getDetectedAt() {
		return this.detectedAt;
	}

}
