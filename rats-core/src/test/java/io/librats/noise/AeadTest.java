package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ChaCha20-Poly1305 implementations against RFC 8439 and each other. */
class AeadTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 8439, section 2.8.2: "Example and Test Vector for AEAD_CHACHA20_POLY1305".
    private static final byte[] RFC_PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
            + "for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RFC_AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] RFC_KEY = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] RFC_NONCE = HEX.parseHex("070000004041424344454647");
    private static final byte[] RFC_CIPHERTEXT = HEX.parseHex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116");
    private static final byte[] RFC_TAG = HEX.parseHex("1ae10b594f09e26a7e902ecbd0600691");

    private static Aead keyed(AeadImplementation implementation, byte[] key) {
        Aead aead = implementation.newAead();
        aead.setKey(key, 0);
        return aead;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void rfc8439Seal(AeadImplementation implementation) {
        byte[] out = new byte[RFC_PLAINTEXT.length + Aead.TAG_LENGTH];
        int written = keyed(implementation, RFC_KEY).seal(RFC_NONCE, RFC_AAD, RFC_PLAINTEXT, 0, RFC_PLAINTEXT.length, out, 0);
        assertThat(written).isEqualTo(out.length);
        assertThat(out).isEqualTo(concat(RFC_CIPHERTEXT, RFC_TAG));
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void rfc8439Open(AeadImplementation implementation) throws NoiseException {
        byte[] sealed = concat(RFC_CIPHERTEXT, RFC_TAG);
        byte[] out = new byte[RFC_PLAINTEXT.length];
        int written = keyed(implementation, RFC_KEY).open(RFC_NONCE, RFC_AAD, sealed, 0, sealed.length, out, 0);
        assertThat(written).isEqualTo(RFC_PLAINTEXT.length);
        assertThat(out).isEqualTo(RFC_PLAINTEXT);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void sealsAndOpensInPlaceAtAnOffset(AeadImplementation implementation) throws NoiseException {
        byte[] buf = new byte[7 + RFC_PLAINTEXT.length + Aead.TAG_LENGTH];
        System.arraycopy(RFC_PLAINTEXT, 0, buf, 7, RFC_PLAINTEXT.length);
        Aead aead = keyed(implementation, RFC_KEY);
        aead.seal(RFC_NONCE, RFC_AAD, buf, 7, RFC_PLAINTEXT.length, buf, 7);
        assertThat(Arrays.copyOfRange(buf, 7, buf.length)).isEqualTo(concat(RFC_CIPHERTEXT, RFC_TAG));
        aead.open(RFC_NONCE, RFC_AAD, buf, 7, buf.length - 7, buf, 7);
        assertThat(Arrays.copyOfRange(buf, 7, 7 + RFC_PLAINTEXT.length)).isEqualTo(RFC_PLAINTEXT);
    }

    /**
     * rats' own Poly1305 (with its own ChaCha20, or the JDK's) against BouncyCastle (written by others): every length
     * up to four ChaCha20 blocks and a few large ones, with and without associated data, each opened by the other
     * side and, flipped in one random bit, refused without output.
     */
    @ParameterizedTest(name = "{0}, seed {1}")
    @CsvSource({"PURE_JAVA, 7", "PURE_JAVA, 11", "PURE_JAVA, 2024", "JDK_CHACHA20, 7", "JDK_CHACHA20, 11", "JDK_BY_SIZE, 7",
            "JDK_BY_SIZE, 13"})
    void ownPoly1305AgreesWithBouncyCastleOnSeededRandomInputs(AeadImplementation own, long seed) throws NoiseException {
        Random random = new Random(seed);
        for (int len = 0; len <= 300; len++) {
            agreesWithBouncyCastle(own, random, len);
        }
        for (int len : new int[] {1000, 4095, 4096, 4097, 3 * 4096 + 17, 65535 - Aead.TAG_LENGTH, random.nextInt(65520)}) {
            agreesWithBouncyCastle(own, random, len);
        }
    }

    /**
     * The same comparison after the chunked ChaCha20 ({@code ChaCha20Lanes}) has run long enough to be compiled, and
     * on most CPUs vectorised, by C2: the comparisons above mostly run interpreted or C1-compiled code, and a
     * miscompiled key stream would go unnoticed between two rats nodes, which both use it.
     */
    @Test
    void pureJavaAgreesWithBouncyCastleAfterTheJitCompiledIt() throws NoiseException {
        Random random = new Random(99);
        Aead warm = keyed(AeadImplementation.PURE_JAVA, bytes(random, Aead.KEY_LENGTH));
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        byte[] buf = new byte[2 * 4096 + Aead.TAG_LENGTH];
        for (int i = 0; i < 20_000; i++) {
            warm.seal(nonce, null, buf, 0, 2 * 4096, buf, 0);
        }
        for (int i = 0; i < 20; i++) {
            agreesWithBouncyCastle(AeadImplementation.PURE_JAVA, random, 4096 + random.nextInt(61_000));
        }
    }

    private static void agreesWithBouncyCastle(AeadImplementation implementation, Random random, int len)
            throws NoiseException {
        byte[] key = bytes(random, Aead.KEY_LENGTH);
        byte[] nonce = bytes(random, Aead.NONCE_LENGTH);
        byte[] ad = random.nextInt(3) == 0 ? null : bytes(random, random.nextInt(80));
        byte[] plaintext = bytes(random, len);
        Aead bc = keyed(AeadImplementation.BOUNCY_CASTLE, key);
        Aead own = keyed(implementation, key);
        byte[] bcSealed = new byte[len + Aead.TAG_LENGTH];
        byte[] ownSealed = new byte[len + Aead.TAG_LENGTH];
        bc.seal(nonce, ad, plaintext, 0, len, bcSealed, 0);
        own.seal(nonce, ad, plaintext, 0, len, ownSealed, 0);
        assertThat(ownSealed).as("length %d", len).isEqualTo(bcSealed);
        byte[] opened = new byte[len];
        assertThat(bc.open(nonce, ad, ownSealed, 0, ownSealed.length, opened, 0)).isEqualTo(len);
        assertThat(opened).as("length %d", len).isEqualTo(plaintext);
        Arrays.fill(opened, (byte) 0);
        assertThat(own.open(nonce, ad, bcSealed, 0, bcSealed.length, opened, 0)).isEqualTo(len);
        assertThat(opened).as("length %d", len).isEqualTo(plaintext);
        bcSealed[random.nextInt(bcSealed.length)] ^= (byte) (1 << random.nextInt(8));
        byte[] untouched = new byte[len];
        assertThatThrownBy(() -> own.open(nonce, ad, bcSealed, 0, bcSealed.length, untouched, 0))
            .isInstanceOf(NoiseException.class);
        assertThat(untouched).isEqualTo(new byte[len]);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 0xC0FFEE})
    void bouncyCastleAndJdkAgreeOnSeededRandomInputs(long seed) throws NoiseException {
        Random random = new Random(seed);
        int[] lengths = {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 1000, 4096, 65535 - Aead.TAG_LENGTH, random.nextInt(20_000)};
        for (int len : lengths) {
            agreesWithBouncyCastle(AeadImplementation.JDK, random, len);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void everyFlippedBitOfCiphertextOrTagIsRejectedAndNothingIsWritten(AeadImplementation implementation) {
        Aead aead = keyed(implementation, RFC_KEY);
        byte[] sealed = concat(RFC_CIPHERTEXT, RFC_TAG);
        byte[] out = new byte[RFC_PLAINTEXT.length];
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= (byte) (1 << (i % 8));
            Arrays.fill(out, (byte) 0x5A);
            assertThatThrownBy(() -> aead.open(RFC_NONCE, RFC_AAD, tampered, 0, tampered.length, out, 0))
                    .as("flipped byte %d", i)
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("decryption failed: bad tag");
            assertThat(out).as("output after failure at byte %d", i).containsOnly((byte) 0x5A);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void wrongAdNonceOrKeyIsRejected(AeadImplementation implementation) {
        byte[] sealed = concat(RFC_CIPHERTEXT, RFC_TAG);
        byte[] out = new byte[RFC_PLAINTEXT.length];
        byte[] otherAd = RFC_AAD.clone();
        otherAd[0] ^= 1;
        byte[] otherNonce = RFC_NONCE.clone();
        otherNonce[11] ^= 1;
        byte[] otherKey = RFC_KEY.clone();
        otherKey[31] ^= 1;
        Aead aead = keyed(implementation, RFC_KEY);
        assertThatThrownBy(() -> aead.open(RFC_NONCE, otherAd, sealed, 0, sealed.length, out, 0)).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> aead.open(RFC_NONCE, null, sealed, 0, sealed.length, out, 0)).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> aead.open(otherNonce, RFC_AAD, sealed, 0, sealed.length, out, 0)).isInstanceOf(NoiseException.class);
        Aead wrongKey = keyed(implementation, otherKey);
        assertThatThrownBy(() -> wrongKey.open(RFC_NONCE, RFC_AAD, sealed, 0, sealed.length, out, 0)).isInstanceOf(NoiseException.class);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void inputShorterThanATagIsRejected(AeadImplementation implementation) {
        Aead aead = keyed(implementation, RFC_KEY);
        for (int len = 0; len < Aead.TAG_LENGTH; len++) {
            int l = len;
            assertThatThrownBy(() -> aead.open(RFC_NONCE, null, new byte[l], 0, l, new byte[0], 0))
                    .isInstanceOf(NoiseException.class)
                    .hasMessageContaining("too short");
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void openingAgainAtTheSameNonceAfterAFailureWorks(AeadImplementation implementation) throws NoiseException {
        Aead aead = keyed(implementation, RFC_KEY);
        byte[] sealed = concat(RFC_CIPHERTEXT, RFC_TAG);
        byte[] tampered = sealed.clone();
        tampered[3] ^= 4;
        byte[] out = new byte[RFC_PLAINTEXT.length];
        assertThatThrownBy(() -> aead.open(RFC_NONCE, RFC_AAD, tampered, 0, tampered.length, out, 0)).isInstanceOf(NoiseException.class);
        aead.open(RFC_NONCE, RFC_AAD, sealed, 0, sealed.length, out, 0);
        assertThat(out).isEqualTo(RFC_PLAINTEXT);
    }

    @Test
    void ownImplementationsAreChosenWithoutAChaCha20IntrinsicAndBesideIt() {
        assertThat(AeadImplementation.choose(17, false)).isEqualTo(AeadImplementation.PURE_JAVA);
        assertThat(AeadImplementation.choose(19, true)).isEqualTo(AeadImplementation.PURE_JAVA);
        assertThat(AeadImplementation.choose(20, false)).isEqualTo(AeadImplementation.JDK_CHACHA20);
        assertThat(AeadImplementation.choose(25, false)).isEqualTo(AeadImplementation.JDK_CHACHA20);
        assertThat(AeadImplementation.choose(20, true)).isEqualTo(AeadImplementation.JDK_BY_SIZE);
        assertThat(AeadImplementation.choose(25, true)).isEqualTo(AeadImplementation.JDK_BY_SIZE);
    }

    @Test
    void poly1305IntrinsicNeedsTheCpuFeaturesAndJavaVersionOfHotSpotsStubs() {
        Set<String> avx512 = Set.of("avx2", "avx512f", "avx512ifma", "avx512vl", "avx512bw");
        assertThat(Poly1305Intrinsic.available(20, avx512, 3)).isTrue();
        assertThat(Poly1305Intrinsic.available(19, avx512, 3)).isFalse();
        assertThat(Poly1305Intrinsic.available(25, avx512, 2)).as("-XX:UseAVX=2").isFalse();
        assertThat(Poly1305Intrinsic.available(25, Set.of("avx2", "avx512f", "avx512vl", "avx512bw"), 3)).isFalse();
        assertThat(Poly1305Intrinsic.available(23, Set.of("avx2", "avx_ifma"), 2)).isTrue();
        assertThat(Poly1305Intrinsic.available(22, Set.of("avx2", "avx_ifma"), 2)).isFalse();
        assertThat(Poly1305Intrinsic.available(25, Set.of(), 0)).isFalse();
    }

    @Test
    void cpuFlagsAreReadWhereLinuxHasThem() {
        Set<String> flags = Poly1305Intrinsic.cpuFlags();
        if (Files.isReadable(Path.of("/proc/cpuinfo")) && System.getProperty("os.arch").matches("amd64|x86_64")) {
            assertThat(flags).contains("sse2");
        }
    }

    @Test
    void fastestIsMeasuredOnceAndCached() {
        AeadImplementation first = AeadImplementation.fastest();
        assertThat(first).isNotNull();
        assertThat(AeadImplementation.fastest()).isSameAs(first);
    }

    private static byte[] bytes(Random random, int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        return b;
    }
}
