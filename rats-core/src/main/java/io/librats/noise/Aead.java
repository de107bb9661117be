package io.librats.noise;

/**
 * ChaCha20-Poly1305 (RFC 8439) as Noise needs it: a 32-byte key set once per key change, then one
 * call per message with a raw 96-bit nonce. Nonce policy (Noise's counter encoding, exhaustion,
 * rekey) lives in {@link CipherState}; implementations only do the cryptography.
 *
 * <p>Implementations reuse their cipher objects and scratch buffers across messages; they are not
 * thread-safe. Output may overlap input exactly ({@code in == out, inOff == outOff}).
 */
interface Aead {

    int KEY_LENGTH = 32;
    int NONCE_LENGTH = 12;
    int TAG_LENGTH = 16;

    /** Sets the key from {@code key[off..off+32)} (copied). */
    void setKey(byte[] key, int off);

    /**
     * Encrypts {@code in[inOff..inOff+len)} and appends the tag.
     *
     * @param ad associated data, {@code null} for none
     * @return bytes written to {@code out}: {@code len + TAG_LENGTH}
     */
    int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Verifies and decrypts {@code in[inOff..inOff+len)} (ciphertext followed by tag). Nothing is
     * written to {@code out} unless the tag verifies.
     *
     * @param ad associated data, {@code null} for none
     * @return bytes written to {@code out}: {@code len - TAG_LENGTH}
     * @throws NoiseException if {@code len < TAG_LENGTH} or the tag does not verify
     */
    int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException;

    /** Wipes key material held by this object, as far as the underlying library allows. */
    void destroy();

    /** The failure reported for every authentication failure, whatever the implementation. */
    static NoiseException badTag() {
        return new NoiseException("decryption failed: bad tag");
    }

    static void checkOpenLength(int len) throws NoiseException {
        if (len < TAG_LENGTH) {
            throw new NoiseException("message too short: " + len + " bytes, need at least the " + TAG_LENGTH + "-byte tag");
        }
    }
}
