package io.librats.noise;

/**
 * Fired down the pipeline when the Noise handshake has finished and the transport handlers are in place.
 *
 * @param remoteStaticKey the peer's authenticated static public key
 * @param handshakeHash the Noise handshake hash, usable as a channel binding
 * @param cipher the cipher function both sides agreed on
 * @param outbound the connection's encrypting side, for writers that are not on the event loop
 */
public record NoiseHandshakeCompletedEvent(byte[] remoteStaticKey, byte[] handshakeHash, NoiseCipher cipher,
		SealingQueue outbound) {
}
