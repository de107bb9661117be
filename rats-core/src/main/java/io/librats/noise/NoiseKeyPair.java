package io.librats.noise;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair, used both as a peer's long-term static identity and as a per-handshake
 * ephemeral key.
 *
 * <p>The public key is the peer's identity and is what {@link #equals}, {@link #hashCode} and
 * {@link #toString} are based on; the private key is only ever handed out as a copy and can be wiped
 * with {@link #destroy()}. {@code toString()} shows a short public-key prefix only, so key pairs are
 * safe to log.
 */
public final class NoiseKeyPair {

    /** Length of X25519 private and public keys in bytes. */
    public static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] privateKey;
    private final byte[] publicKey;
    private volatile boolean destroyed;

    private NoiseKeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    /**
     * Generates a fresh key pair from a {@link SecureRandom}.
     *
     * @return a new key pair
     */
    public static NoiseKeyPair generate() {
        byte[] priv = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(RANDOM, priv);
        return new NoiseKeyPair(priv);
    }

    /**
     * Rebuilds a key pair from a stored private key, deriving the public key. The argument is
     * copied; the caller may wipe its array afterwards.
     *
     * @param privateKey32 the 32-byte X25519 private key (clamping is applied by X25519 itself)
     * @return the key pair
     * @throws IllegalArgumentException if the key is not 32 bytes long
     */
    public static NoiseKeyPair fromPrivateKey(byte[] privateKey32) {
        Objects.requireNonNull(privateKey32, "privateKey32");
        if (privateKey32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be " + KEY_LENGTH + " bytes, got " + privateKey32.length);
        }
        return new NoiseKeyPair(privateKey32.clone());
    }

    /**
     * @return a copy of the 32-byte public key
     */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * @return a copy of the 32-byte private key
     * @throws IllegalStateException after {@link #destroy()}
     */
    public byte[] privateKey() {
        checkNotDestroyed();
        return privateKey.clone();
    }

    /** Zeroes the private key; the key pair can no longer be used for key agreement. Idempotent. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }

    /**
     * @return whether {@link #destroy()} has been called
     */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** The internal public key array, for hashing into the handshake without a copy. Never modify. */
    byte[] publicKeyNoCopy() {
        return publicKey;
    }

    /**
     * X25519 between this private key and {@code remotePublicKey}, written to {@code out[0..32)}.
     *
     * @throws NoiseException if the result is all zeros, i.e. the remote key is a low-order point
     */
    void dh(byte[] remotePublicKey, byte[] out) throws NoiseException {
        checkNotDestroyed();
        if (!X25519.calculateAgreement(privateKey, 0, remotePublicKey, 0, out, 0)) {
            throw new NoiseException("invalid remote public key: low-order point (all-zero DH output)");
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("key pair has been destroyed");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseKeyPair other && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    /** Shows only the first four bytes of the public key, e.g. {@code NoiseKeyPair[public=1a2b3c4d…]}. */
    @Override
    public String toString() {
        return "NoiseKeyPair[public=" + HEX.formatHex(publicKey, 0, 4) + "…]";
    }
}
