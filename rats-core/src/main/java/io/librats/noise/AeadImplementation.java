package io.librats.noise;

import java.security.SecureRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which ChaCha20-Poly1305 implementation a {@link CipherState} uses. Both produce identical bytes;
 * they differ only in speed, which depends on the JDK version (intrinsics) and the CPU, so the
 * choice is left open and {@link #fastest()} can make it by measurement.
 */
public enum AeadImplementation {

    /** BouncyCastle's lightweight {@code ChaCha20Poly1305}; pure Java, same speed on every JDK. */
    BOUNCY_CASTLE {
        @Override
        Aead newAead() {
            return new BouncyCastleAead();
        }
    },

    /** The JDK's {@code Cipher.getInstance("ChaCha20-Poly1305")}; can use intrinsics on newer JDKs. */
    JDK {
        @Override
        Aead newAead() {
            return new JdkAead();
        }
    };

    private static final Logger log = LoggerFactory.getLogger(AeadImplementation.class);

    static final int BENCH_MESSAGE_LENGTH = 64 * 1024;
    static final long BENCH_WARMUP_NANOS = 30_000_000L;
    static final int BENCH_SLICES = 8;
    static final long BENCH_SLICE_NANOS = 5_000_000L;

    abstract Aead newAead();

    /**
     * The implementation that encrypts fastest in this JVM.
     *
     * <p>Rule, applied once per JVM on first call and then cached: each implementation seals 64 KiB
     * messages with fresh nonces under a random key. Warm-up: the two alternate, one message at a
     * time, until about 30 ms have passed (at least one message each). Measurement: 8 alternating
     * slices of about 5 ms per implementation, so about 40 ms each; alternating keeps JIT progress
     * and machine noise fair to both. A slice ends after the message in flight, so it can overrun
     * by one message. The higher total throughput (bytes sealed / time spent) wins; a tie, or any
     * failure of the JDK cipher, selects {@link #BOUNCY_CASTLE}. The first call therefore costs
     * roughly 0.1-0.2 s plus class loading; later calls are free.
     *
     * @return the measured winner
     */
    public static AeadImplementation fastest() {
        return Fastest.CHOICE;
    }

    /** Lazy holder: the JVM runs the measurement exactly once, on first use, thread-safely. */
    private static final class Fastest {
        static final AeadImplementation CHOICE = measure();
    }

    private static AeadImplementation measure() {
        try {
            Bench bc = new Bench(BOUNCY_CASTLE);
            Bench jdk = new Bench(JDK);
            long warmupStart = System.nanoTime();
            do {
                bc.sealOne();
                jdk.sealOne();
            } while (System.nanoTime() - warmupStart < BENCH_WARMUP_NANOS);
            bc.resetTotals();
            jdk.resetTotals();
            for (int i = 0; i < BENCH_SLICES; i++) {
                bc.slice(BENCH_SLICE_NANOS);
                jdk.slice(BENCH_SLICE_NANOS);
            }
            AeadImplementation winner = jdk.throughput() > bc.throughput() ? JDK : BOUNCY_CASTLE;
            log.debug("ChaCha20-Poly1305 throughput: BouncyCastle {} MB/s, JDK {} MB/s; using {}",
                    Math.round(bc.throughput() * 1000), Math.round(jdk.throughput() * 1000), winner);
            return winner;
        } catch (RuntimeException e) {
            log.debug("ChaCha20-Poly1305 measurement failed, using BouncyCastle", e);
            return BOUNCY_CASTLE;
        }
    }

    /** Seals 64 KiB messages with fresh nonces under one random key and keeps time. */
    private static final class Bench {
        private final Aead aead;
        private final byte[] nonce = new byte[Aead.NONCE_LENGTH];
        private final byte[] in = new byte[BENCH_MESSAGE_LENGTH];
        private final byte[] out = new byte[BENCH_MESSAGE_LENGTH + Aead.TAG_LENGTH];
        private long counter;
        private long bytes;
        private long nanos;

        Bench(AeadImplementation implementation) {
            byte[] key = new byte[Aead.KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            aead = implementation.newAead();
            aead.setKey(key, 0);
        }

        void sealOne() {
            CipherState.encodeNonce(counter++, nonce);
            aead.seal(nonce, null, in, 0, in.length, out, 0);
        }

        /** Seals whole messages for about {@code budget} nanoseconds, adding to the totals. */
        void slice(long budget) {
            long start = System.nanoTime();
            long elapsed;
            do {
                sealOne();
                bytes += in.length;
                elapsed = System.nanoTime() - start;
            } while (elapsed < budget);
            nanos += elapsed;
        }

        void resetTotals() {
            bytes = 0;
            nanos = 0;
        }

        /** Bytes per nanosecond over all slices so far. */
        double throughput() {
            return nanos == 0 ? 0 : (double) bytes / nanos;
        }
    }
}
