package io.librats.noise;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
     * The implementation that encrypts and decrypts fastest in this JVM.
     *
     * <p>Rule, applied once per JVM on first call and then cached: each implementation seals and then
     * opens 64 KiB messages with fresh nonces under a random key, as the transport does with every
     * byte of a bulk stream. Time is the measuring thread's own CPU time ({@code ThreadMXBean}; wall
     * time only where the JVM cannot measure thread CPU time), so a busy machine that preempts the
     * measurement does not bias it toward either side. Warm-up: the two alternate, one message at a
     * time, until about 30 ms of CPU have passed. Measurement: 8 alternating slices of about 5 ms of
     * CPU per implementation; alternating keeps JIT progress fair to both. A slice ends after the
     * message in flight, so it can overrun by one message. The higher total throughput (bytes sealed
     * and opened / CPU time) wins; a tie, or any failure of the JDK cipher, selects
     * {@link #BOUNCY_CASTLE}. The first call therefore costs roughly 0.1-0.2 s of CPU plus class
     * loading; later calls are free.
     *
     * <p>Measured on a 2-core AMD EPYC (Zen 3) VM, in steady state, the JDK cipher was ahead at
     * every message size on both JDK 17 (1.2x at 64 KiB, no intrinsics) and JDK 25 (2x, ChaCha20
     * intrinsic), and this rule picked it on both; on other CPUs and JDKs the answer can differ,
     * which is why it is measured.
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
            long warmupStart = Bench.now();
            do {
                bc.sealAndOpenOne();
                jdk.sealAndOpenOne();
            } while (Bench.now() - warmupStart < BENCH_WARMUP_NANOS);
            bc.resetTotals();
            jdk.resetTotals();
            for (int i = 0; i < BENCH_SLICES; i++) {
                bc.slice(BENCH_SLICE_NANOS);
                jdk.slice(BENCH_SLICE_NANOS);
            }
            AeadImplementation winner = jdk.throughput() > bc.throughput() ? JDK : BOUNCY_CASTLE;
            log.debug("ChaCha20-Poly1305 seal+open throughput per CPU second: BouncyCastle {} MB/s, JDK {} MB/s; using {}",
                    Math.round(bc.throughput() * 1000), Math.round(jdk.throughput() * 1000), winner);
            return winner;
        } catch (RuntimeException | NoiseException e) {
            log.debug("ChaCha20-Poly1305 measurement failed, using BouncyCastle", e);
            return BOUNCY_CASTLE;
        }
    }

    /** Seals and opens 64 KiB messages with fresh nonces under one random key and keeps CPU time. */
    private static final class Bench {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

        private final Aead sealer;
        private final Aead opener;
        private final byte[] nonce = new byte[Aead.NONCE_LENGTH];
        private final byte[] in = new byte[BENCH_MESSAGE_LENGTH];
        private final byte[] sealed = new byte[BENCH_MESSAGE_LENGTH + Aead.TAG_LENGTH];
        private final byte[] out = new byte[BENCH_MESSAGE_LENGTH];
        private long counter;
        private long bytes;
        private long nanos;

        Bench(AeadImplementation implementation) {
            byte[] key = new byte[Aead.KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            sealer = implementation.newAead();
            sealer.setKey(key, 0);
            opener = implementation.newAead();
            opener.setKey(key, 0);
        }

        /** This thread's CPU time in nanoseconds, or the wall clock where the JVM cannot tell. */
        static long now() {
            return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        }

        void sealAndOpenOne() throws NoiseException {
            CipherState.encodeNonce(counter++, nonce);
            sealer.seal(nonce, null, in, 0, in.length, sealed, 0);
            opener.open(nonce, null, sealed, 0, sealed.length, out, 0);
        }

        /** Seals and opens whole messages for about {@code budget} nanoseconds of CPU, adding to the totals. */
        void slice(long budget) throws NoiseException {
            long start = now();
            long elapsed;
            do {
                sealAndOpenOne();
                bytes += in.length;
                elapsed = now() - start;
            } while (elapsed < budget);
            nanos += elapsed;
        }

        void resetTotals() {
            bytes = 0;
            nanos = 0;
        }

        /** Bytes (each sealed and opened once) per nanosecond over all slices so far. */
        double throughput() {
            return nanos == 0 ? 0 : (double) bytes / nanos;
        }
    }
}
