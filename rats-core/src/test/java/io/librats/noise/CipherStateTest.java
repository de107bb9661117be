package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Noise CipherState semantics: nonce encoding and policy, size limits, Rekey(). */
class CipherStateTest {

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] MESSAGE = "the quick brown fox".getBytes(StandardCharsets.US_ASCII);

    /** Every sender/receiver pairing of implementations. */
    static Stream<Arguments> pairs() {
        return Stream.of(AeadImplementation.values())
                .flatMap(s -> Stream.of(AeadImplementation.values()).map(r -> Arguments.of(s, r)));
    }

    private static CipherState keyed(AeadImplementation implementation) {
        CipherState cs = new CipherState(NoiseCipher.CHACHA_POLY, implementation);
        cs.initializeKey(KEY.clone());
        return cs;
    }

    private static byte[] encrypt(CipherState cs, byte[] plaintext) throws NoiseException {
        return NoiseVectorsTest.encrypt(cs, plaintext);
    }

    private static byte[] decrypt(CipherState cs, byte[] ciphertext) throws NoiseException {
        return NoiseVectorsTest.decrypt(cs, ciphertext);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void roundTripsAndAdvancesTheNonce(AeadImplementation sender, AeadImplementation receiver) throws NoiseException {
        CipherState tx = keyed(sender);
        CipherState rx = keyed(receiver);
        byte[] ad = {1, 2, 3};
        for (int i = 0; i < 5; i++) {
            assertThat(tx.nonce()).isEqualTo(i);
            byte[] ct = new byte[MESSAGE.length + CipherState.TAG_LENGTH];
            assertThat(tx.encryptWithAd(ad, MESSAGE, 0, MESSAGE.length, ct, 0)).isEqualTo(ct.length);
            byte[] pt = new byte[MESSAGE.length];
            assertThat(rx.decryptWithAd(ad, ct, 0, ct.length, pt, 0)).isEqualTo(MESSAGE.length);
            assertThat(pt).isEqualTo(MESSAGE);
            assertThat(rx.nonce()).isEqualTo(i + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void nonceIsFourZeroBytesThenTheCounterLittleEndian(AeadImplementation implementation) throws NoiseException {
        CipherState cs = keyed(implementation);
        long n = 0x0102030405060708L;
        cs.setNonce(n);
        byte[] viaCipherState = encrypt(cs, MESSAGE);

        Aead aead = implementation.newAead();
        aead.setKey(KEY, 0);
        byte[] nonce = HexFormat.of().parseHex("00000000" + "0807060504030201");
        byte[] direct = new byte[MESSAGE.length + Aead.TAG_LENGTH];
        aead.seal(nonce, new byte[0], MESSAGE, 0, MESSAGE.length, direct, 0);
        assertThat(viaCipherState).isEqualTo(direct);
        assertThat(cs.nonce()).isEqualTo(n + 1);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void withoutAKeyDataPassesThroughAndTheNonceStays(AeadImplementation implementation) throws NoiseException {
        CipherState cs = new CipherState(NoiseCipher.CHACHA_POLY, implementation);
        assertThat(cs.hasKey()).isFalse();
        byte[] out = new byte[MESSAGE.length];
        assertThat(cs.encryptWithAd(null, MESSAGE, 0, MESSAGE.length, out, 0)).isEqualTo(MESSAGE.length);
        assertThat(out).isEqualTo(MESSAGE);
        assertThat(cs.decryptWithAd(null, MESSAGE, 0, MESSAGE.length, out, 0)).isEqualTo(MESSAGE.length);
        assertThat(cs.nonce()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void encryptsAndDecryptsInPlace(AeadImplementation implementation) throws NoiseException {
        CipherState tx = keyed(implementation);
        CipherState rx = keyed(implementation);
        byte[] buf = Arrays.copyOf(MESSAGE, MESSAGE.length + CipherState.TAG_LENGTH);
        tx.encryptWithAd(null, buf, 0, MESSAGE.length, buf, 0);
        assertThat(Arrays.copyOf(buf, MESSAGE.length)).isNotEqualTo(MESSAGE);
        rx.decryptWithAd(null, buf, 0, buf.length, buf, 0);
        assertThat(Arrays.copyOf(buf, MESSAGE.length)).isEqualTo(MESSAGE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void bothSidesRekeyedStillInteroperate(AeadImplementation sender, AeadImplementation receiver) throws NoiseException {
        CipherState tx = keyed(sender);
        CipherState rx = keyed(receiver);
        assertThat(decrypt(rx, encrypt(tx, MESSAGE))).isEqualTo(MESSAGE);
        tx.rekey();
        rx.rekey();
        assertThat(tx.nonce()).as("rekey leaves the nonce").isEqualTo(1);
        assertThat(decrypt(rx, encrypt(tx, MESSAGE))).isEqualTo(MESSAGE);
        tx.rekey();
        rx.rekey();
        assertThat(decrypt(rx, encrypt(tx, MESSAGE))).isEqualTo(MESSAGE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void rekeyOnOneSideOnlyBreaksDecryption(AeadImplementation sender, AeadImplementation receiver) throws NoiseException {
        CipherState tx = keyed(sender);
        CipherState rx = keyed(receiver);
        tx.rekey();
        byte[] ct = encrypt(tx, MESSAGE);
        assertThatThrownBy(() -> decrypt(rx, ct)).isInstanceOf(NoiseException.class).hasMessage("decryption failed: bad tag");
        assertThat(rx.nonce()).isZero();
        rx.rekey();
        assertThat(decrypt(rx, ct)).as("catching up with the rekey at the same nonce").isEqualTo(MESSAGE);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void rekeyFollowsTheNoiseDefinition(AeadImplementation implementation) throws NoiseException {
        CipherState cs = keyed(implementation);
        cs.setNonce(7);
        cs.rekey();
        byte[] afterRekey = encrypt(cs, MESSAGE);

        // k' = first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes)
        Aead reference = AeadImplementation.BOUNCY_CASTLE.newAead();
        reference.setKey(KEY, 0);
        byte[] maxNonce = HexFormat.of().parseHex("00000000ffffffffffffffff");
        byte[] block = new byte[32 + Aead.TAG_LENGTH];
        reference.seal(maxNonce, new byte[0], new byte[32], 0, 32, block, 0);
        CipherState expected = new CipherState(NoiseCipher.CHACHA_POLY, AeadImplementation.BOUNCY_CASTLE);
        expected.initializeKey(Arrays.copyOf(block, 32));
        expected.setNonce(7);
        assertThat(afterRekey).isEqualTo(encrypt(expected, MESSAGE));
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void theLastNonceIsReserved(AeadImplementation implementation) throws NoiseException {
        CipherState tx = keyed(implementation);
        CipherState rx = keyed(implementation);
        tx.setNonce(-2L);
        rx.setNonce(-2L);
        byte[] ct = encrypt(tx, MESSAGE);
        assertThat(decrypt(rx, ct)).isEqualTo(MESSAGE);
        assertThat(tx.nonce()).isEqualTo(-1L);
        assertThatThrownBy(() -> encrypt(tx, MESSAGE)).isInstanceOf(NoiseException.class).hasMessage("nonce exhausted");
        assertThatThrownBy(() -> decrypt(rx, ct)).isInstanceOf(NoiseException.class).hasMessage("nonce exhausted");
        tx.rekey(); // rekey uses the reserved nonce internally and must still work
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void aFailedDecryptionKeepsTheNonceSoTheGenuineMessageStillDecrypts(AeadImplementation implementation) throws NoiseException {
        CipherState tx = keyed(implementation);
        CipherState rx = keyed(implementation);
        byte[] ct = encrypt(tx, MESSAGE);
        byte[] forged = ct.clone();
        forged[forged.length - 1] ^= 1;
        assertThatThrownBy(() -> decrypt(rx, forged)).isInstanceOf(NoiseException.class);
        assertThat(rx.nonce()).isZero();
        assertThat(decrypt(rx, ct)).isEqualTo(MESSAGE);
        assertThatThrownBy(() -> decrypt(rx, ct)).as("replay").isInstanceOf(NoiseException.class);
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void enforcesTheNoiseMessageSizeLimits(AeadImplementation implementation) throws NoiseException {
        CipherState tx = keyed(implementation);
        CipherState rx = keyed(implementation);
        byte[] big = new byte[CipherState.MAX_MESSAGE_LENGTH];
        int maxPlain = CipherState.MAX_MESSAGE_LENGTH - CipherState.TAG_LENGTH;
        assertThatThrownBy(() -> tx.encryptWithAd(null, big, 0, maxPlain + 1, new byte[maxPlain + 1 + 16], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too large");
        assertThat(tx.nonce()).isZero();
        byte[] ct = new byte[CipherState.MAX_MESSAGE_LENGTH];
        assertThat(tx.encryptWithAd(null, big, 0, maxPlain, ct, 0)).isEqualTo(CipherState.MAX_MESSAGE_LENGTH);
        assertThat(rx.decryptWithAd(null, ct, 0, ct.length, new byte[maxPlain], 0)).isEqualTo(maxPlain);
        assertThatThrownBy(() -> rx.decryptWithAd(null, new byte[65536], 0, 65536, new byte[65536], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too large");
        assertThatThrownBy(() -> rx.decryptWithAd(null, new byte[15], 0, 15, new byte[15], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too short");
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void randomGarbageOnlyEverFailsWithNoiseException(AeadImplementation implementation) {
        Random random = new Random(7);
        CipherState rx = keyed(implementation);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(300)];
            random.nextBytes(garbage);
            assertThatThrownBy(() -> rx.decryptWithAd(null, garbage, 0, garbage.length, new byte[garbage.length], 0))
                    .isInstanceOf(NoiseException.class);
        }
        assertThat(rx.nonce()).isZero();
    }

    @Test
    void misuseIsReportedAsIllegalState() {
        assertThatThrownBy(() -> new CipherState(NoiseCipher.CHACHA_POLY, AeadImplementation.JDK).rekey()).isInstanceOf(IllegalStateException.class);
        CipherState cs = keyed(AeadImplementation.BOUNCY_CASTLE);
        cs.destroy();
        assertThat(cs.hasKey()).isFalse();
        assertThatThrownBy(() -> encrypt(cs, MESSAGE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cs::rekey).isInstanceOf(IllegalStateException.class);
        cs.destroy();
        assertThatThrownBy(() -> cs.encryptWithAd(null, MESSAGE, 0, MESSAGE.length, new byte[4], 0))
                .isInstanceOf(IllegalStateException.class);
        CipherState fresh = keyed(AeadImplementation.BOUNCY_CASTLE);
        assertThatThrownBy(() -> fresh.encryptWithAd(null, MESSAGE, 0, MESSAGE.length, new byte[4], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(fresh.nonce()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AeadImplementation.class)
    void destroyAfterUseSucceedsForBothImplementations(AeadImplementation implementation) throws NoiseException {
        CipherState tx = keyed(implementation);
        CipherState rx = keyed(implementation);
        decrypt(rx, encrypt(tx, MESSAGE));
        tx.destroy();
        rx.destroy();
        assertThat(tx.toString()).contains("destroyed");
    }
}
