/**
 * The Noise Protocol Framework (revision 34) as rats uses it: {@code Noise_XX_25519_ChaChaPoly_SHA256}.
 *
 * <p>Peers authenticate each other by their long-term X25519 keys without any prior knowledge of
 * each other, which is exactly what the XX pattern provides. The state machine is implemented
 * here, on top of BouncyCastle's X25519 and either BouncyCastle's or the JDK's ChaCha20-Poly1305,
 * so that no third-party Noise library has to be trusted and the AEAD can be swapped for speed.
 *
 * <p>Entry points: {@link io.librats.noise.NoiseKeyPair}, {@link io.librats.noise.NoiseHandshake},
 * {@link io.librats.noise.NoiseTransport} and {@link io.librats.noise.CipherState}. Nothing in this
 * package is thread-safe; a handshake or cipher state belongs to one connection at a time.
 */
package io.librats.noise;
