package io.librats.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;

/**
 * Noise SymmetricState for SHA-256 (HASHLEN 32, BLOCKLEN 64): the chaining key {@code ck}, the
 * handshake hash {@code h} and the handshake {@link CipherState}. Package-private: only
 * {@link NoiseHandshake} drives it.
 */
final class SymmetricState {

    static final int HASHLEN = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final RawKey hmacKey = new RawKey("HmacSHA256", HASHLEN);
    private final AeadImplementation aeadImplementation;
    private final CipherState cipher;
    private final byte[] ck = new byte[HASHLEN];
    private final byte[] h = new byte[HASHLEN];
    private final byte[] out1 = new byte[HASHLEN];
    private final byte[] out2 = new byte[HASHLEN];

    /** Noise InitializeSymmetric(protocol_name). */
    SymmetricState(String protocolName, AeadImplementation aeadImplementation) {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
            this.hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 / HmacSHA256 unavailable", e);
        }
        this.aeadImplementation = aeadImplementation;
        this.cipher = new CipherState(aeadImplementation);
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
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
        CipherState c1 = new CipherState(aeadImplementation);
        CipherState c2 = new CipherState(aeadImplementation);
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
        hmacKey.destroy();
        cipher.destroy();
    }

    /**
     * Noise HKDF with two outputs: {@code temp = HMAC(ck, ikm)}, {@code o1 = HMAC(temp, 0x01)},
     * {@code o2 = HMAC(temp, o1 || 0x02)}. {@code o1} may be {@link #ck} itself.
     */
    private void hkdf(byte[] ikm, byte[] o1, byte[] o2) {
        byte[] temp = new byte[HASHLEN];
        try {
            initHmac(ck);
            hmac.update(ikm);
            hmac.doFinal(temp, 0);
            initHmac(temp);
            hmac.update((byte) 0x01);
            hmac.doFinal(o1, 0);
            initHmac(temp);
            hmac.update(o1);
            hmac.update((byte) 0x02);
            hmac.doFinal(o2, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        } finally {
            Arrays.fill(temp, (byte) 0);
            hmacKey.destroy();
        }
    }

    private void initHmac(byte[] key) throws GeneralSecurityException {
        hmacKey.set(key, 0);
        hmac.init(hmacKey);
    }

    private void digestInto(byte[] target) {
        try {
            sha256.digest(target, 0, HASHLEN);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 failed", e);
        }
    }
}
