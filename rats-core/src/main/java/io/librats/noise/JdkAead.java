package io.librats.noise;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.function.Function;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * {@link Aead} on a JDK {@link Cipher} (SunJCE): {@code ChaCha20-Poly1305} ({@link #chaCha20Poly1305()}), or
 * {@code AES/GCM/NoPadding} with a 256-bit key and a 128-bit tag ({@link #aesGcm()}). The JDK verifies the
 * tag before it writes any plaintext. Sealing and opening use separate, lazily created ciphers
 * because the JDK refuses to re-initialise a cipher with the key and nonce it last used, in either
 * direction: for sealing that guard is kept (Noise never reuses a nonce), for opening it would
 * wrongly reject a retry at the same nonce after a failed decryption, so it is stepped around.
 */
final class JdkAead implements Aead {

    private final String transformation;
    private final Function<byte[], AlgorithmParameterSpec> parameters;
    private final RawKey key;
    private Cipher sealer;
    private Cipher opener;

    private JdkAead(String transformation, String keyAlgorithm, Function<byte[], AlgorithmParameterSpec> parameters) {
        this.transformation = transformation;
        this.parameters = parameters;
        this.key = new RawKey(keyAlgorithm, KEY_LENGTH);
    }

    /** RFC 8439 ChaCha20-Poly1305, as Noise's ChaChaPoly uses it. */
    static JdkAead chaCha20Poly1305() {
        return new JdkAead("ChaCha20-Poly1305", "ChaCha20", IvParameterSpec::new);
    }

    /** AES-256 in GCM with a 96-bit nonce and a 128-bit tag, as Noise's AESGCM uses it. */
    static JdkAead aesGcm() {
        return new JdkAead("AES/GCM/NoPadding", "AES", (nonce) -> new GCMParameterSpec(8 * TAG_LENGTH, nonce));
    }

    @Override
    public void setKey(byte[] src, int off) {
        key.set(src, off);
    }

    @Override
    public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (sealer == null) {
            sealer = newCipher();
        }
        try {
            init(sealer, Cipher.ENCRYPT_MODE, nonce);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("refusing to encrypt twice under the same key and nonce", e);
        }
        try {
            return doFinal(sealer, ad, in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        Aead.checkOpenLength(len);
        if (opener == null) {
            opener = newCipher();
        }
        try {
            init(opener, Cipher.DECRYPT_MODE, nonce);
        } catch (InvalidKeyException sameKeyAndNonce) {
            // Decrypting again at the nonce of the previous attempt is legitimate (that attempt
            // failed, so the nonce did not advance): pass through a different nonce first.
            byte[] other = nonce.clone();
            other[0] ^= 1;
            try {
                init(opener, Cipher.DECRYPT_MODE, other);
                init(opener, Cipher.DECRYPT_MODE, nonce);
            } catch (InvalidKeyException e) {
                throw new IllegalStateException("cannot initialise " + transformation, e);
            }
        }
        try {
            return doFinal(opener, ad, in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw Aead.badTag();
        }
    }

    @Override
    public void destroy() {
        key.destroy();
        // Overwrite the ciphers' private key copies with the now all-zero key.
        for (Cipher cipher : new Cipher[] {sealer, opener}) {
            if (cipher != null) {
                try {
                    init(cipher, Cipher.DECRYPT_MODE, new byte[NONCE_LENGTH]);
                } catch (InvalidKeyException alreadyThatKeyAndNonce) {
                    // Nothing left to overwrite.
                }
            }
        }
    }

    private void init(Cipher cipher, int mode, byte[] nonce) throws InvalidKeyException {
        try {
            cipher.init(mode, key, parameters.apply(nonce));
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise " + transformation, e);
        }
    }

    private int doFinal(Cipher cipher, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws AEADBadTagException {
        if (ad != null) {
            cipher.updateAAD(ad);
        }
        try {
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " failed", e);
        }
    }

    private Cipher newCipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK does not provide " + transformation, e);
        }
    }
}
