package io.librats.noise;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Noise SymmetricState for SHA-256 (HASHLEN 32, BLOCKLEN 64): the chaining key {@code ck}, the
 * handshake hash {@code h} and the handshake {@link CipherState}. Package-private: only
 * {@link NoiseHandshake} drives it.
 */
final class SymmetricState {

    static final int HASHLEN = 32;
    static final int BLOCKLEN = 64;

    /** Cloned per handshake: cheaper than a provider lookup, which {@code getInstance} repeats every time. */
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private final MessageDigest sha256 = copyOf(SHA256_PROTOTYPE);
    private final byte[] hmacPad = new byte[BLOCKLEN];
    private final byte[] hmacInner = new byte[HASHLEN];
    private final NoiseCipher cipherFunction;
    private final AeadImplementation aeadImplementation;
    private final CipherState cipher;
    private final byte[] ck = new byte[HASHLEN];
    private final byte[] h = new byte[HASHLEN];
    private final byte[] out1 = new byte[HASHLEN];
    private final byte[] out2 = new byte[HASHLEN];

    /** Noise InitializeSymmetric(protocol_name), for rats' handshake pattern with {@code cipherFunction}. */
    SymmetricState(NoiseCipher cipherFunction, AeadImplementation aeadImplementation) {
        this.cipherFunction = cipherFunction;
        this.aeadImplementation = aeadImplementation;
        this.cipher = new CipherState(cipherFunction, aeadImplementation);
        byte[] name = cipherFunction.protocolName().getBytes(StandardCharsets.US_ASCII);
        if (name.length <= HASHLEN) {
            System.arraycopy(name, 0, h, 0, name.length);
        } else {
            sha256.update(name);
            digestInto(h);
        }
        System.arraycopy(h, 0, ck, 0, HASHLEN);
        cipher.initializeKey(null);
    }

    /** Noise MixKey(ikm): {@code ck, temp_k = HKDF(ck, ikm, 2)}; InitializeKey(temp_k). */
    void mixKey(byte[] ikm) {
        hkdf(ikm, ck, out2);
        cipher.initializeKey(out2);
        Arrays.fill(out2, (byte) 0);
    }

    /** Noise MixHash(data): {@code h = HASH(h || data)}. */
    void mixHash(byte[] data, int off, int len) {
        sha256.update(h);
        sha256.update(data, off, len);
        digestInto(h);
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    /** Noise EncryptAndHash: encrypts with {@code h} as associated data, then hashes the ciphertext. */
    int encryptAndHash(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        int written = cipher.encryptWithAd(h, in, inOff, len, out, outOff);
        mixHash(out, outOff, written);
        return written;
    }

    /**
     * Noise DecryptAndHash: decrypts with {@code h} as associated data, then hashes the ciphertext.
     * {@code out} must not overlap {@code in}, which is still needed for the hash.
     */
    int decryptAndHash(byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        int written = cipher.decryptWithAd(h, in, inOff, len, out, outOff);
        mixHash(in, inOff, len);
        return written;
    }

    /**
     * Noise Split(): {@code temp_k1, temp_k2 = HKDF(ck, empty, 2)}.
     *
     * @return {@code {c1, c2}}: c1 encrypts initiator-to-responder, c2 responder-to-initiator
     */
    CipherState[] split() {
        hkdf(new byte[0], out1, out2);
        CipherState c1 = new CipherState(cipherFunction, aeadImplementation);
        CipherState c2 = new CipherState(cipherFunction, aeadImplementation);
        c1.initializeKey(out1);
        c2.initializeKey(out2);
        Arrays.fill(out1, (byte) 0);
        Arrays.fill(out2, (byte) 0);
        return new CipherState[] {c1, c2};
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** Wipes the chaining key and the handshake cipher key; {@code h} is public and kept. */
    void destroy() {
        Arrays.fill(ck, (byte) 0);
        wipeHmacScratch();
        cipher.destroy();
    }

    /**
     * Noise HKDF with two outputs: {@code temp = HMAC(ck, ikm)}, {@code o1 = HMAC(temp, 0x01)},
     * {@code o2 = HMAC(temp, o1 || 0x02)}. {@code o1} may be {@link #ck} itself.
     */
    private void hkdf(byte[] ikm, byte[] o1, byte[] o2) {
        byte[] temp = new byte[HASHLEN];
        try {
            hmacStart(ck);
            sha256.update(ikm);
            hmacFinish(ck, temp);
            hmacStart(temp);
            sha256.update((byte) 0x01);
            hmacFinish(temp, o1);
            hmacStart(temp);
            sha256.update(o1);
            sha256.update((byte) 0x02);
            hmacFinish(temp, o2);
        } finally {
            Arrays.fill(temp, (byte) 0);
            wipeHmacScratch();
        }
    }

    /*
     * HMAC-SHA256 (RFC 2104) on the handshake's own digest, for keys of HASHLEN bytes:
     * H((K ^ opad) || H((K ^ ipad) || message)). A javax.crypto.Mac would cost a provider lookup per
     * handshake and a key schedule per call for the same result; the Noise test vectors check this.
     */

    /** Starts {@code HMAC(key, ...)}: the caller then feeds the message to {@link #sha256}. */
    private void hmacStart(byte[] key) {
        pad(key, (byte) 0x36);
        sha256.update(hmacPad);
    }

    /** Ends the HMAC begun by {@link #hmacStart} with the same key; {@code out} may be {@code key}. */
    private void hmacFinish(byte[] key, byte[] out) {
        digestInto(hmacInner);
        pad(key, (byte) 0x5c);
        sha256.update(hmacPad);
        sha256.update(hmacInner);
        digestInto(out);
    }

    private void pad(byte[] key, byte value) {
        for (int i = 0; i < HASHLEN; i++) {
            hmacPad[i] = (byte) (key[i] ^ value);
        }
        Arrays.fill(hmacPad, HASHLEN, BLOCKLEN, value);
    }

    private void wipeHmacScratch() {
        Arrays.fill(hmacPad, (byte) 0);
        Arrays.fill(hmacInner, (byte) 0);
    }

    private void digestInto(byte[] target) {
        try {
            sha256.digest(target, 0, HASHLEN);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 failed", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static MessageDigest copyOf(MessageDigest prototype) {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }
}
