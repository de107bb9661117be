package io.librats.transport;

import io.librats.identity.NodeIdentity;
import io.librats.noise.AeadImplementation;

/**
 * What every connection of one node shares: who we are and the protocol limits we enforce.
 *
 * @param identity our static key and peer id
 * @param protocolId application protocol id, bound into the Noise prologue and checked in HELLO
 * @param encryption whether sessions are Noise-encrypted
 * @param aead ChaCha20-Poly1305 implementation for Noise
 * @param offerAesGcm whether our preamble offers AES-GCM (configured, and hardware AES in this JVM)
 * @param maxFrameSize largest frame body in bytes
 * @param capabilities capability bits we announce in HELLO
 */
record SessionSettings(NodeIdentity identity, String protocolId, boolean encryption, AeadImplementation aead,
		boolean offerAesGcm, int maxFrameSize, long capabilities) {
}
