package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class NoiseKeyPairTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 7748, section 6.1 (X25519 Diffie-Hellman example).
    private static final byte[] ALICE_PRIVATE = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PUBLIC = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_PRIVATE = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PUBLIC = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] SHARED = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    @Test
    void derivesPublicKeysAndAgreesOnTheRfc7748Secret() throws NoiseException {
        NoiseKeyPair alice = NoiseKeyPair.fromPrivateKey(ALICE_PRIVATE);
        NoiseKeyPair bob = NoiseKeyPair.fromPrivateKey(BOB_PRIVATE);
        assertThat(alice.publicKey()).isEqualTo(ALICE_PUBLIC);
        assertThat(bob.publicKey()).isEqualTo(BOB_PUBLIC);
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        alice.dh(BOB_PUBLIC, ab);
        bob.dh(ALICE_PUBLIC, ba);
        assertThat(ab).isEqualTo(SHARED).isEqualTo(ba);
    }

    @Test
    void rejectsLowOrderPeerKeys() {
        NoiseKeyPair pair = NoiseKeyPair.generate();
        byte[] one = new byte[32];
        one[0] = 1;
        for (byte[] lowOrder : new byte[][] {new byte[32], one}) {
            assertThatThrownBy(() -> pair.dh(lowOrder, new byte[32]))
                    .isInstanceOf(NoiseException.class)
                    .hasMessageContaining("low-order");
        }
    }

    @Test
    void generatedPairsRoundTripThroughThePrivateKey() {
        NoiseKeyPair generated = NoiseKeyPair.generate();
        NoiseKeyPair restored = NoiseKeyPair.fromPrivateKey(generated.privateKey());
        assertThat(restored).isEqualTo(generated).hasSameHashCodeAs(generated);
        assertThat(restored.publicKey()).isEqualTo(generated.publicKey());
        assertThat(NoiseKeyPair.generate()).isNotEqualTo(generated);
    }

    @Test
    void handsOutCopiesAndCopiesItsInput() {
        byte[] priv = ALICE_PRIVATE.clone();
        NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(priv);
        priv[0] ^= 1;
        assertThat(pair.privateKey()).isEqualTo(ALICE_PRIVATE);
        pair.publicKey()[0] ^= 1;
        pair.privateKey()[0] ^= 1;
        assertThat(pair.publicKey()).isEqualTo(ALICE_PUBLIC);
        assertThat(pair.privateKey()).isEqualTo(ALICE_PRIVATE);
    }

    @Test
    void toStringShowsOnlyAPublicKeyPrefix() {
        NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(ALICE_PRIVATE);
        String s = pair.toString();
        assertThat(s).contains("8520f009").doesNotContain(HEX.formatHex(ALICE_PUBLIC));
        for (int i = 0; i + 4 <= ALICE_PRIVATE.length; i++) {
            assertThat(s).doesNotContain(HEX.formatHex(ALICE_PRIVATE, i, i + 4));
        }
    }

    @Test
    void destroyZeroesThePrivateKey() {
        NoiseKeyPair pair = NoiseKeyPair.generate();
        pair.destroy();
        assertThat(pair.isDestroyed()).isTrue();
        assertThatThrownBy(pair::privateKey).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pair.dh(BOB_PUBLIC, new byte[32])).isInstanceOf(IllegalStateException.class);
        assertThat(pair.publicKey()).hasSize(32);
        pair.destroy();
    }

    @Test
    void rejectsWrongLengthPrivateKeys() {
        assertThatThrownBy(() -> NoiseKeyPair.fromPrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoiseKeyPair.fromPrivateKey(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoiseKeyPair.fromPrivateKey(null)).isInstanceOf(NullPointerException.class);
    }
}
