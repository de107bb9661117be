/**
 * The Noise Protocol Framework (revision 34) as rats uses it: {@code Noise_XX_25519_ChaChaPoly_SHA256}.
 *
 * <p>Peers authenticate each other by their long-term X25519 keys without any prior knowledge of
 * each other, which is exactly what the XX pattern provides. The state machine is implemented
 * here, on top of BouncyCastle's X25519 and either BouncyCastle's or the JDK's ChaCha20-Poly1305,
 * so that no third-party Noise library has to be trusted and the AEAD can be swapped for speed.
 *
 * <p>Entry points: {@link io.librats.noise.NoiseKeyPair}, {@link io.librats.noise.NoiseHandshake},
 * {@link io.librats.noise.NoiseTransport} and {@link io.librats.noise.CipherState}. A handshake or cipher
 * state belongs to one connection at a time and is not thread-safe; the one thread-safe entry is a connection's
 * {@link io.librats.noise.SealingQueue}, which any thread may offer frames to.
 */
package io.librats.noise;
