package io.librats.noise;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;

import javax.crypto.SecretKey;

/**
 * A JCA key over an array this package owns, so that it can be overwritten in place and wiped. The
 * JDK's {@code SecretKeySpec} keeps a private copy that can neither be updated nor destroyed.
 */
final class RawKey implements SecretKey {

    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final transient byte[] bytes;

    RawKey(String algorithm, int length) {
        this.algorithm = algorithm;
        this.bytes = new byte[length];
    }

    /** Overwrites the key with {@code src[off..off+length)}. */
    void set(byte[] src, int off) {
        System.arraycopy(src, off, bytes, 0, bytes.length);
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        return bytes.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("key material is not serializable");
    }
}
