package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Byte-for-byte check against the cacophony test vectors for Noise_XX_25519_ChaChaPoly_SHA256 and
 * Noise_XX_25519_AESGCM_SHA256. Our handshakes start as ChaChaPoly, as rats' do, and switch to AESGCM with
 * {@link NoiseHandshake#useCipher}: the responder before message 1, the initiator before (together with our
 * responder) or after (against the transcript) writing message 1, which is how a dialer switches.
 *
 * <p>Convention (verified by these tests passing): {@code messages} alternate sender starting with
 * the initiator and continue alternating after the handshake, so message {@code i} is sent by the
 * initiator iff {@code i} is even. Messages 0-2 are the handshake; later ones are transport messages
 * encrypted with empty associated data by the Split() cipher of their sender's direction, whose
 * nonces count from 0 per direction.
 */
class NoiseVectorsTest {

    private static final List<String> RESOURCES = List.of("/noise/cacophony-XX_25519_ChaChaPoly_SHA256.json",
            "/noise/cacophony-XX_25519_AESGCM_SHA256.json");
    private static final HexFormat HEX = HexFormat.of();
    private static final int HANDSHAKE_MESSAGES = 3;

    record Message(byte[] payload, byte[] ciphertext) {
    }

    record Vector(NoiseCipher cipher, String protocolName, byte[] initPrologue, byte[] initStatic, byte[] initEphemeral,
            byte[] respPrologue, byte[] respStatic, byte[] respEphemeral, byte[] handshakeHash,
            List<Message> messages) {
    }

    enum Role { INITIATOR, RESPONDER }

    static List<Vector> vectors() throws IOException {
        List<Vector> result = new ArrayList<>();
        for (String resource : RESOURCES) {
            readVectors(resource, result);
        }
        return result;
    }

    private static void readVectors(String resource, List<Vector> result) throws IOException {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            JsonNode root = JsonMapper.builder().build().readTree(in);
            for (JsonNode v : root.get("vectors")) {
                List<Message> messages = new ArrayList<>();
                for (JsonNode m : v.get("messages")) {
                    messages.add(new Message(hex(m, "payload"), hex(m, "ciphertext")));
                }
                String name = v.get("protocol_name").asString();
                NoiseCipher cipher = name.contains("AESGCM") ? NoiseCipher.AES_GCM : NoiseCipher.CHACHA_POLY;
                result.add(new Vector(cipher, name,
                        hex(v, "init_prologue"), hex(v, "init_static"), hex(v, "init_ephemeral"),
                        hex(v, "resp_prologue"), hex(v, "resp_static"), hex(v, "resp_ephemeral"),
                        hex(v, "handshake_hash"), messages));
            }
        }
    }

    private static byte[] hex(JsonNode node, String field) {
        return HEX.parseHex(node.get(field).asString());
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        List<Vector> vectors = vectors();
        for (int i = 0; i < vectors.size(); i++) {
            // AES-GCM has one implementation; the ChaCha20-Poly1305 ones are all checked.
            List<AeadImplementation> aeads = (vectors.get(i).cipher() == NoiseCipher.AES_GCM)
                    ? List.of(AeadImplementation.PURE_JAVA) : List.of(AeadImplementation.values());
            for (AeadImplementation aead : aeads) {
                for (Role role : Role.values()) {
                    cases.add(Arguments.of(i, aead, role, vectors.get(i)));
                }
            }
        }
        return cases.stream();
    }

    @Test
    void resourceHoldsTheExpectedVector() throws IOException {
        List<Vector> vectors = vectors();
        assertThat(vectors).extracting(Vector::cipher).containsExactly(NoiseCipher.CHACHA_POLY, NoiseCipher.AES_GCM);
        assertThat(NoiseCipher.CHACHA_POLY.protocolName()).isEqualTo(NoiseHandshake.PROTOCOL_NAME);
        for (Vector v : vectors) {
            assertThat(v.protocolName()).isEqualTo(v.cipher().protocolName());
            assertThat(v.messages().size()).isGreaterThan(HANDSHAKE_MESSAGES);
        }
    }

    @ParameterizedTest(name = "vector {0}, {1}, our side is {2}")
    @MethodSource("cases")
    void ourSideAgainstTheVectorTranscript(int index, AeadImplementation aead, Role role, Vector v) throws NoiseException {
        boolean weInitiate = role == Role.INITIATOR;
        NoiseHandshake ours = weInitiate
                ? NoiseHandshake.withEphemeral(true, NoiseKeyPair.fromPrivateKey(v.initStatic()), v.initPrologue(), aead,
                        NoiseKeyPair.fromPrivateKey(v.initEphemeral()))
                : NoiseHandshake.withEphemeral(false, NoiseKeyPair.fromPrivateKey(v.respStatic()), v.respPrologue(), aead,
                        NoiseKeyPair.fromPrivateKey(v.respEphemeral()));
        if (!weInitiate) {
            ours.useCipher(v.cipher());
        }

        for (int i = 0; i < HANDSHAKE_MESSAGES; i++) {
            Message m = v.messages().get(i);
            if (sentByInitiator(i) == weInitiate) {
                assertThat(ours.isWriteTurn()).isTrue();
                assertThat(ours.writeMessage(m.payload())).as("handshake message %d", i).isEqualTo(m.ciphertext());
                if (i == 0) {
                    // As a dialer does when the acceptor's preamble arrives: message 1 is already out.
                    ours.useCipher(v.cipher());
                }
            } else {
                assertThat(ours.isWriteTurn()).isFalse();
                assertThat(ours.readMessage(m.ciphertext())).as("handshake payload %d", i).isEqualTo(m.payload());
            }
        }
        assertThat(ours.isComplete()).isTrue();
        assertThat(ours.cipher()).isEqualTo(v.cipher());
        assertThat(ours.handshakeHash()).isEqualTo(v.handshakeHash());
        byte[] peerStatic = weInitiate ? v.respStatic() : v.initStatic();
        assertThat(ours.remoteStaticKey()).isEqualTo(NoiseKeyPair.fromPrivateKey(peerStatic).publicKey());

        NoiseTransport transport = ours.split();
        for (int i = HANDSHAKE_MESSAGES; i < v.messages().size(); i++) {
            Message m = v.messages().get(i);
            if (sentByInitiator(i) == weInitiate) {
                assertThat(encrypt(transport.sender(), m.payload())).as("transport message %d", i).isEqualTo(m.ciphertext());
            } else {
                assertThat(decrypt(transport.receiver(), m.ciphertext())).as("transport payload %d", i).isEqualTo(m.payload());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AeadImplementation.class)
    void ourInitiatorAndResponderReproduceTheTranscriptTogether(AeadImplementation aead) throws Exception {
        for (Vector v : vectors()) {
            NoiseHandshake initiator = NoiseHandshake.withEphemeral(true, NoiseKeyPair.fromPrivateKey(v.initStatic()),
                    v.initPrologue(), aead, NoiseKeyPair.fromPrivateKey(v.initEphemeral()));
            NoiseHandshake responder = NoiseHandshake.withEphemeral(false, NoiseKeyPair.fromPrivateKey(v.respStatic()),
                    v.respPrologue(), aead, NoiseKeyPair.fromPrivateKey(v.respEphemeral()));
            initiator.useCipher(v.cipher());
            responder.useCipher(v.cipher());
            for (int i = 0; i < HANDSHAKE_MESSAGES; i++) {
                Message m = v.messages().get(i);
                NoiseHandshake writer = sentByInitiator(i) ? initiator : responder;
                NoiseHandshake reader = sentByInitiator(i) ? responder : initiator;
                byte[] wire = writer.writeMessage(m.payload());
                assertThat(wire).isEqualTo(m.ciphertext());
                assertThat(reader.readMessage(wire)).isEqualTo(m.payload());
            }
            assertThat(initiator.handshakeHash()).isEqualTo(v.handshakeHash()).isEqualTo(responder.handshakeHash());
            NoiseTransport i2r = initiator.split();
            NoiseTransport r2i = responder.split();
            for (int i = HANDSHAKE_MESSAGES; i < v.messages().size(); i++) {
                Message m = v.messages().get(i);
                NoiseTransport writer = sentByInitiator(i) ? i2r : r2i;
                NoiseTransport reader = sentByInitiator(i) ? r2i : i2r;
                byte[] wire = encrypt(writer.sender(), m.payload());
                assertThat(wire).isEqualTo(m.ciphertext());
                assertThat(decrypt(reader.receiver(), wire)).isEqualTo(m.payload());
            }
        }
    }

    private static boolean sentByInitiator(int messageIndex) {
        return messageIndex % 2 == 0;
    }

    static byte[] encrypt(CipherState cs, byte[] plaintext) throws NoiseException {
        byte[] out = new byte[plaintext.length + CipherState.TAG_LENGTH];
        assertThat(cs.encryptWithAd(null, plaintext, 0, plaintext.length, out, 0)).isEqualTo(out.length);
        return out;
    }

    static byte[] decrypt(CipherState cs, byte[] ciphertext) throws NoiseException {
        byte[] out = new byte[ciphertext.length - CipherState.TAG_LENGTH];
        assertThat(cs.decryptWithAd(null, ciphertext, 0, ciphertext.length, out, 0)).isEqualTo(out.length);
        return out;
    }
}
