package io.librats.noise;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * {@link Aead} on BouncyCastle's lightweight {@link ChaCha20Poly1305}. Sealing and opening use
 * separate engines so that BouncyCastle's encryption nonce-reuse guard only ever sees encryptions.
 * BouncyCastle emits plaintext before the tag is checked, so {@link #open} decrypts into a private
 * scratch buffer and copies out only verified plaintext.
 */
final class BouncyCastleAead implements Aead {

    private final ChaCha20Poly1305 sealer = new ChaCha20Poly1305();
    private final ChaCha20Poly1305 opener = new ChaCha20Poly1305();
    /** BouncyCastle exposes the backing array of a KeyParameter, so the key is updated in place. */
    private final KeyParameter key = new KeyParameter(new byte[KEY_LENGTH]);
    private byte[] scratch = new byte[0];
    private boolean sealerUsed;
    private boolean openerUsed;

    @Override
    public void setKey(byte[] src, int off) {
        System.arraycopy(src, off, key.getKey(), 0, KEY_LENGTH);
    }

    @Override
    public int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        sealer.init(true, new ParametersWithIV(key, nonce));
        sealerUsed = true;
        if (ad != null) {
            sealer.processAADBytes(ad, 0, ad.length);
        }
        int written = sealer.processBytes(in, inOff, len, out, outOff);
        try {
            return written + sealer.doFinal(out, outOff + written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        Aead.checkOpenLength(len);
        int plainLen = len - TAG_LENGTH;
        if (scratch.length < plainLen) {
            scratch = new byte[plainLen];
        }
        opener.init(false, new ParametersWithIV(key, nonce));
        openerUsed = true;
        if (ad != null) {
            opener.processAADBytes(ad, 0, ad.length);
        }
        int written = opener.processBytes(in, inOff, len, scratch, 0);
        try {
            written += opener.doFinal(scratch, written);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(scratch, 0, plainLen, (byte) 0);
            throw Aead.badTag();
        }
        System.arraycopy(scratch, 0, out, outOff, written);
        return written;
    }

    @Override
    public void destroy() {
        Arrays.fill(key.getKey(), (byte) 0);
        Arrays.fill(scratch, (byte) 0);
        // The engines keep private copies of the last key; re-initialising them (in decryption mode,
        // which has no nonce-reuse guard) with the now all-zero key overwrites those copies.
        ParametersWithIV wiped = new ParametersWithIV(key, new byte[NONCE_LENGTH]);
        if (sealerUsed) {
            sealer.init(false, wiped);
        }
        if (openerUsed) {
            opener.init(false, wiped);
        }
    }
}
