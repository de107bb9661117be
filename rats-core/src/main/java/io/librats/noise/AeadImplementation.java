package io.librats.noise;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which ChaCha20-Poly1305 implementation a {@link CipherState} uses. All produce identical bytes;
 * they differ only in speed, which depends on the JDK version (intrinsics) and the CPU, so the
 * choice is left open and {@link #fastest()} makes it by a rule drawn from measurements.
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
            return JdkAead.chaCha20Poly1305();
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
    },

    /**
     * The JDK's plain {@code ChaCha20} stream cipher (intrinsic from JDK 20 on) with rats' own Poly1305
     * ({@code JdkChaCha20Aead}): on CPUs where the JDK has a ChaCha20 but no Poly1305 intrinsic (no AVX-512)
     * it beats both the JDK's {@code ChaCha20-Poly1305} and {@link #PURE_JAVA} on large messages.
     */
    JDK_CHACHA20 {
        @Override
        Aead newAead() {
            return new JdkChaCha20Aead();
        }
    },

    /**
     * {@link #JDK_CHACHA20} for messages under 1 KiB, the JDK's {@code ChaCha20-Poly1305} ({@link #JDK}) from 1 KiB
     * on: for CPUs where the JDK has a Poly1305 intrinsic (AVX-512 IFMA from Java 20, AVX-IFMA from Java 23). That
     * stub only takes over from 1 KiB, and below it the JDK cipher's set-up per call costs more than it saves.
     */
    JDK_BY_SIZE {
        @Override
        Aead newAead() {
            return new SizeSplitAead(new JdkChaCha20Aead(), JdkAead.chaCha20Poly1305(), JDK_BY_SIZE_THRESHOLD);
        }
    };

    /** Where {@link #JDK_BY_SIZE} changes over: the measured crossover, also where the JDK's Poly1305 stub starts. */
    static final int JDK_BY_SIZE_THRESHOLD = 1024;

    private static final Logger log = LoggerFactory.getLogger(AeadImplementation.class);

    /** HotSpot gained its ChaCha20 intrinsic (JDK-8247645) in Java 20; before it the JDK cipher is plain Java. */
    static final int FIRST_JAVA_WITH_CHACHA20_INTRINSIC = 20;

    abstract Aead newAead();

    /**
     * The implementation that encrypts and decrypts fastest in this JVM, by a fixed rule: before Java 20
     * {@link #PURE_JAVA}; from Java 20 on {@link #JDK_BY_SIZE} where the JDK has a Poly1305 intrinsic on this CPU
     * ({@code Poly1305Intrinsic}), else {@link #JDK_CHACHA20} (or {@link #PURE_JAVA} where this JDK cannot provide a
     * plain ChaCha20 cipher).
     *
     * <p>Why a rule and not a measurement at start-up: the previous rule measured 64 KiB seals and opens
     * for about 0.1 s of CPU on first use, and on a busy 2-core machine that measured which code the JIT
     * had compiled yet: cold JVMs on Temurin 25 picked the JDK cipher in 3 of 5 runs, warm ones never;
     * a warm-up long enough to be fair cost 0.3 s or more of CPU at every start.
     *
     * <p>What the rule rests on, seal+open throughput per CPU second in steady state on a 2-core AMD EPYC
     * (Zen 3, AVX2, no AVX-512) VM: on JDK 17 {@link #PURE_JAVA} 152 MB/s at 64 KiB and 106 MB/s at 300 B,
     * the JDK cipher 118 and 66, BouncyCastle about 90 and 56; on Temurin 25 {@link #JDK_CHACHA20}
     * 289 MB/s at 64 KiB and 168 MB/s at 300 B, the JDK cipher 217 and 98, {@link #PURE_JAVA} 153 and 108.
     * On a 2-core Xeon VM with AVX-512 IFMA (so with the JDK's Poly1305 stub), seal+open MB/s per CPU second on
     * Temurin 25, JDK cipher against {@link #JDK_CHACHA20}: 143 / 270 at 256 B, 291 / 398 at 512 B, 552 / 442 at
     * 1 KiB, 1,067 / 522 at 4 KiB, 1,448 / 570 at 16 KiB, hence {@link #JDK_BY_SIZE}; {@link #PURE_JAVA} (whose
     * ChaCha20 the JIT vectorises, but whose Poly1305 is scalar) 178 at 256 B and 414 at 16 KiB. On JDK 17 there
     * {@link #PURE_JAVA} 166 / 395 MB/s at 256 B / 16 KiB, {@link #JDK_CHACHA20} 152 / 215, the JDK cipher
     * 106 / 170. The benchmarks' {@code aead} command checks the rule on the machine at hand; {@code
     * RatsConfig.aead} overrides it.
     *
     * @return the implementation the rule picks; computed once per JVM
     */
    public static AeadImplementation fastest() {
        return Fastest.CHOICE;
    }

    /** Lazy holder: the JVM applies the rule exactly once, on first use, thread-safely. */
    private static final class Fastest {
        static final AeadImplementation CHOICE = choose(Runtime.version().feature());
    }

    static AeadImplementation choose(int javaFeatureVersion) {
        // The probe reads /proc/cpuinfo and a VM flag (~30 ms once, at the first node's start): only where it matters.
        return choose(javaFeatureVersion, javaFeatureVersion >= FIRST_JAVA_WITH_CHACHA20_INTRINSIC
                && Poly1305Intrinsic.available(javaFeatureVersion));
    }

    static AeadImplementation choose(int javaFeatureVersion, boolean poly1305Intrinsic) {
        if (javaFeatureVersion < FIRST_JAVA_WITH_CHACHA20_INTRINSIC) {
            return PURE_JAVA;
        }
        AeadImplementation choice = poly1305Intrinsic ? JDK_BY_SIZE : JDK_CHACHA20;
        try {
            choice.newAead().destroy();
            return choice;
        } catch (RuntimeException e) {
            log.debug("ChaCha20 cipher unavailable in this JDK; using {}", PURE_JAVA, e);
            return PURE_JAVA;
        }
    }
}
