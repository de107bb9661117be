package io.librats.noise;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

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
    },

    /**
     * rats' own plain-Java RFC 8439 implementation ({@code PureJavaAead}): no per-call set-up and no allocation, so
     * it wins on JDKs without a ChaCha20 intrinsic and for small messages everywhere.
     */
    PURE_JAVA {
        @Override
        Aead newAead() {
            return new PureJavaAead();
        }
    };

    private static final Logger log = LoggerFactory.getLogger(AeadImplementation.class);

    /** HotSpot gained its ChaCha20 intrinsic (JDK-8247645) in JDK 20; before it the JDK cipher is plain Java too. */
    static final int FIRST_JDK_WITH_CHACHA20_INTRINSIC = 20;

    static final int BENCH_MESSAGE_LENGTH = 64 * 1024;
    static final long BENCH_WARMUP_NANOS = 30_000_000L;
    static final int BENCH_SLICES = 8;
    static final long BENCH_SLICE_NANOS = 5_000_000L;

    abstract Aead newAead();

    /**
     * The implementation that encrypts and decrypts fastest in this JVM.
     *
     * <p>Rule, applied once per JVM on first call and then cached. Before Java 20 the JDK has no ChaCha20
     * intrinsic, so its cipher is plain Java with a costly set-up per call, and {@link #PURE_JAVA} is
     * taken without measuring: on JDK 17 it was 1.4-1.6x the JDK cipher and BouncyCastle at every
     * message size (a measurement there mostly measured which code the JIT compiled first). From Java 20
     * on, each implementation seals and then opens 64 KiB messages with fresh nonces under a random
     * key, as the transport does with every byte of a bulk stream. Time is the measuring thread's own
     * CPU time ({@code ThreadMXBean}; wall time only where the JVM cannot measure thread CPU time), so
     * a busy machine that preempts the measurement does not bias it toward any side. Warm-up: the
     * implementations take turns, one message each, until about 30 ms of CPU have passed.
     * Measurement: 8 rounds of one slice of about 5 ms of CPU per implementation; taking turns keeps
     * JIT progress fair to all. A slice ends after the message in flight, so it can overrun by one
     * message. The highest throughput of an implementation's best slice (bytes sealed and opened / CPU
     * time) wins, the earlier constant on a tie; an implementation this JVM cannot provide is left out,
     * and a failure during the measurement selects {@link #PURE_JAVA}. The first call then costs
     * roughly 0.2-0.3 s of CPU plus class loading; later calls are free.
     *
     * <p>Measured on a 2-core AMD EPYC (Zen 3) VM: on Temurin 25 the JDK cipher (ChaCha20
     * intrinsic) was about 1.4x {@link #PURE_JAVA} at 64 KiB and was picked, while {@link #PURE_JAVA}
     * stayed ahead below about 1 KiB. On other CPUs and JDKs the answer can differ, which is why it is
     * measured.
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
        if (Runtime.version().feature() < FIRST_JDK_WITH_CHACHA20_INTRINSIC) {
            log.debug("ChaCha20-Poly1305: Java {} has no ChaCha20 intrinsic; using {}", Runtime.version().feature(), PURE_JAVA);
            return PURE_JAVA;
        }
        List<Bench> benches = new ArrayList<>();
        for (AeadImplementation implementation : values()) {
            try {
                benches.add(new Bench(implementation));
            } catch (RuntimeException e) {
                log.debug("ChaCha20-Poly1305 implementation {} unavailable", implementation, e);
            }
        }
        try {
            long warmupStart = Bench.now();
            do {
                for (Bench bench : benches) {
                    bench.sealAndOpenOne();
                }
            } while (Bench.now() - warmupStart < BENCH_WARMUP_NANOS);
            for (Bench bench : benches) {
                bench.resetTotals();
            }
            for (int i = 0; i < BENCH_SLICES; i++) {
                for (Bench bench : benches) {
                    bench.slice(BENCH_SLICE_NANOS);
                }
            }
        } catch (RuntimeException | NoiseException e) {
            log.debug("ChaCha20-Poly1305 measurement failed, using {}", PURE_JAVA, e);
            return PURE_JAVA;
        }
        Bench winner = benches.get(0);
        for (Bench bench : benches) {
            if (bench.throughput() > winner.throughput()) {
                winner = bench;
            }
        }
        if (log.isDebugEnabled()) {
            StringBuilder speeds = new StringBuilder();
            for (Bench bench : benches) {
                speeds.append(bench.implementation).append(' ').append(Math.round(bench.throughput() * 1000)).append(" MB/s; ");
            }
            log.debug("ChaCha20-Poly1305 seal+open throughput per CPU second: {}using {}", speeds, winner.implementation);
        }
        return winner.implementation;
    }

    /** Seals and opens 64 KiB messages with fresh nonces under one random key and keeps CPU time. */
    private static final class Bench {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

        private final AeadImplementation implementation;
        private final Aead sealer;
        private final Aead opener;
        private final byte[] nonce = new byte[Aead.NONCE_LENGTH];
        private final byte[] in = new byte[BENCH_MESSAGE_LENGTH];
        private final byte[] sealed = new byte[BENCH_MESSAGE_LENGTH + Aead.TAG_LENGTH];
        private final byte[] out = new byte[BENCH_MESSAGE_LENGTH];
        private long counter;
        private double best;

        Bench(AeadImplementation implementation) {
            this.implementation = implementation;
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
            long sliceBytes = 0;
            do {
                sealAndOpenOne();
                sliceBytes += in.length;
                elapsed = now() - start;
            } while (elapsed < budget);
            best = Math.max(best, (double) sliceBytes / elapsed);
        }

        void resetTotals() {
            best = 0;
        }

        /** Bytes (each sealed and opened once) per nanosecond in the best slice so far. */
        double throughput() {
            return best;
        }
    }
}
