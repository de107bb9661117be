package io.librats.noise;

/**
 * A Noise handshake or transport message was rejected: malformed, truncated, unauthenticated, out of
 * turn, or a protocol limit (nonce, size) was hit.
 *
 * <p>Checked on purpose: every such failure comes from untrusted peer input or the protocol's own
 * limits, and the caller must decide to drop the connection rather than let it propagate by accident.
 * After a handshake throws it the handshake is dead; after a {@link CipherState} throws on decryption
 * its nonce is unchanged.
 */
public final class NoiseException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, without any secret material
     */
    public NoiseException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, without any secret material
     * @param cause   the underlying failure
     */
    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
