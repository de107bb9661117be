package io.librats.noise;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Noise CipherState: a key {@code k} of one {@link NoiseCipher} and a 64-bit message counter {@code n}
 * used as the nonce. One instance encrypts (or decrypts) one direction of a connection; obtain them
 * from {@link NoiseTransport}.
 *
 * <p>Why a counter and not random nonces: both peers advance {@code n} in lock-step, so nothing has
 * to be sent on the wire, and a message that is dropped, replayed or reordered fails authentication.
 * The nonce is encoded as four zero bytes followed by {@code n}, little-endian for ChaChaPoly and
 * big-endian for AESGCM, as the Noise specification requires. {@code n = 2^64-1} is reserved (for {@link #rekey()}); a
 * state that reaches it refuses further messages with {@link NoiseException} "nonce exhausted".
 *
 * <p>A failed decryption leaves {@code n} unchanged. Messages, ciphertext including the 16-byte tag,
 * are at most 65535 bytes, the Noise limit. Not thread-safe.
 */
public final class CipherState {

    /** Authentication tag length appended by {@link #encryptWithAd}. */
    public static final int TAG_LENGTH = Aead.TAG_LENGTH;
    /** Largest Noise message (ciphertext plus tag) in bytes. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private static final long RESERVED_NONCE = -1L; // 2^64-1 as an unsigned long
    private static final byte[] ZEROS = new byte[Aead.KEY_LENGTH];

    private final NoiseCipher cipher;
    private final Aead aead;
    private final byte[] nonceBytes = new byte[Aead.NONCE_LENGTH];
    private final byte[] rekeyScratch = new byte[Aead.KEY_LENGTH + Aead.TAG_LENGTH];
    private boolean hasKey;
    private long n;
    private boolean destroyed;

    CipherState(NoiseCipher cipher, AeadImplementation implementation) {
        this.cipher = cipher;
        this.aead = cipher.newAead(implementation);
    }

    /** The cipher function this state encrypts with. */
    public NoiseCipher cipher() {
        return cipher;
    }

    /** Noise InitializeKey(k): sets the key ({@code null} for "empty") and resets the nonce to 0. */
    void initializeKey(byte[] key) {
        checkNotDestroyed();
        if (key == null) {
            hasKey = false;
        } else {
            if (key.length != Aead.KEY_LENGTH) {
                throw new IllegalArgumentException("cipher key must be " + Aead.KEY_LENGTH + " bytes");
            }
            aead.setKey(key, 0);
            hasKey = true;
        }
        n = 0;
    }

    /** Noise SetNonce(n); only for tests and for resuming a known position. */
    void setNonce(long nonce) {
        this.n = nonce;
    }

    /**
     * @return whether a key is set; without one, encryption and decryption pass data through
     *     unchanged (this only happens during the first handshake message)
     */
    public boolean hasKey() {
        return hasKey;
    }

    /**
     * @return the nonce the next message will use, as an unsigned 64-bit value
     */
    public long nonce() {
        return n;
    }

    /**
     * Noise EncryptWithAd: encrypts {@code in[inOff..inOff+len)} into {@code out} at {@code outOff}
     * and advances the nonce. {@code out} may be {@code in} at the same offset.
     *
     * @param ad     associated data bound to the message, {@code null} or empty for none
     * @param in     plaintext source
     * @param inOff  start of the plaintext in {@code in}
     * @param len    plaintext length
     * @param out    destination for ciphertext and tag
     * @param outOff where to write in {@code out}
     * @return bytes written: {@code len + 16} with a key, {@code len} without one
     * @throws NoiseException if the nonce is exhausted or the message would exceed 65535 bytes
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public int encryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        checkNotDestroyed();
        int outLen = hasKey ? len + TAG_LENGTH : len;
        Objects.checkFromIndexSize(inOff, len, in.length);
        Objects.checkFromIndexSize(outOff, outLen, out.length);
        if (outLen > MAX_MESSAGE_LENGTH) {
            throw new NoiseException("message too large: " + outLen + " bytes, Noise allows " + MAX_MESSAGE_LENGTH);
        }
        if (!hasKey) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        checkNonce();
        encodeNonce(n, nonceBytes);
        int written = aead.seal(nonceBytes, ad, in, inOff, len, out, outOff);
        n++;
        return written;
    }

    /**
     * Noise DecryptWithAd: verifies and decrypts {@code in[inOff..inOff+len)} (ciphertext and tag)
     * into {@code out} and advances the nonce. On failure nothing is written and the nonce stays.
     *
     * @param ad     associated data the sender bound, {@code null} or empty for none
     * @param in     ciphertext and tag
     * @param inOff  start of the ciphertext in {@code in}
     * @param len    ciphertext length including the tag
     * @param out    destination for the plaintext
     * @param outOff where to write in {@code out}
     * @return bytes written: {@code len - 16} with a key, {@code len} without one
     * @throws NoiseException if the message is shorter than a tag or longer than 65535 bytes, fails
     *     authentication ("decryption failed: bad tag"), or the nonce is exhausted
     * @throws IndexOutOfBoundsException if a range lies outside its array
     */
    public int decryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        checkNotDestroyed();
        Objects.checkFromIndexSize(inOff, len, in.length);
        if (len > MAX_MESSAGE_LENGTH) {
            throw new NoiseException("message too large: " + len + " bytes, Noise allows " + MAX_MESSAGE_LENGTH);
        }
        if (!hasKey) {
            Objects.checkFromIndexSize(outOff, len, out.length);
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        Aead.checkOpenLength(len);
        Objects.checkFromIndexSize(outOff, len - TAG_LENGTH, out.length);
        checkNonce();
        encodeNonce(n, nonceBytes);
        int written = aead.open(nonceBytes, ad, in, inOff, len, out, outOff);
        n++;
        return written;
    }

    /**
     * Noise Rekey(): replaces the key with the first 32 bytes of
     * {@code ENCRYPT(k, 2^64-1, empty ad, 32 zero bytes)}, leaving the nonce as it is. Both peers must
     * rekey at the same point in the message stream; it gives forward secrecy within a long session.
     *
     * @throws IllegalStateException if no key is set
     */
    public void rekey() {
        checkNotDestroyed();
        if (!hasKey) {
            throw new IllegalStateException("cannot rekey a cipher state without a key");
        }
        encodeNonce(RESERVED_NONCE, nonceBytes);
        aead.seal(nonceBytes, null, ZEROS, 0, ZEROS.length, rekeyScratch, 0);
        aead.setKey(rekeyScratch, 0);
        Arrays.fill(rekeyScratch, (byte) 0);
    }

    /** Wipes the key; the state cannot be used afterwards. Idempotent. */
    public void destroy() {
        if (!destroyed) {
            destroyed = true;
            hasKey = false;
            aead.destroy();
        }
    }

    /** Noise's nonce for this cipher; its first four bytes are never written, so they stay zero. */
    private void encodeNonce(long counter, byte[] nonce12) {
        cipher.encodeNonce(counter, nonce12);
    }

    private void checkNonce() throws NoiseException {
        if (n == RESERVED_NONCE) {
            throw new NoiseException("nonce exhausted");
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("cipher state has been destroyed");
        }
    }

    @Override
    public String toString() {
        return "CipherState[" + (hasKey ? "keyed" : destroyed ? "destroyed" : "empty") + ", n=" + Long.toUnsignedString(n) + "]";
    }
}
