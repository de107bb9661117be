package io.librats.noise;

/**
 * Fired down the pipeline when the Noise handshake has finished and the transport handlers are in place.
 *
 * @param remoteStaticKey the peer's authenticated static public key
 * @param handshakeHash the Noise handshake hash, usable as a channel binding
 */
public record NoiseHandshakeCompletedEvent(byte[] remoteStaticKey, byte[] handshakeHash) {
}
