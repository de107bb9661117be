package io.librats.identity;

import io.librats.noise.NoiseKeyPair;

/**
 * A node's long-term identity: its static Curve25519 key pair and the peer id derived from the public key. The key
 * changes only on an explicit request (a new state directory or deleting the identity file); per-connection forward
 * secrecy comes from Noise's fresh ephemeral keys, not from rotating this one.
 */
public final class NodeIdentity {

	private final NoiseKeyPair keyPair;

	private final String peerId;

	public NodeIdentity(NoiseKeyPair keyPair) {
		this.keyPair = keyPair;
		this.peerId = PeerIds.fromPublicKey(keyPair.publicKey());
	}

	/** A fresh identity that lives only in memory. */
	public static NodeIdentity generate() {
		return new NodeIdentity(NoiseKeyPair.generate());
	}

	public String peerId() {
		return this.peerId;
	}

	public NoiseKeyPair keyPair() {
		return this.keyPair;
	}

	public byte[] publicKey() {
		return this.keyPair.publicKey();
	}

	@Override
	public String toString() {
		return "NodeIdentity[peerId=" + this.peerId + "]";
	}

}
