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
 * Byte-for-byte check against the cacophony test vectors for Noise_XX_25519_ChaChaPoly_SHA256.
 *
 * <p>Convention (verified by these tests passing): {@code messages} alternate sender starting with
 * the initiator and continue alternating after the handshake, so message {@code i} is sent by the
 * initiator iff {@code i} is even. Messages 0-2 are the handshake; later ones are transport messages
 * encrypted with empty associated data by the Split() cipher of their sender's direction, whose
 * nonces count from 0 per direction.
 */
class NoiseVectorsTest {

    private static final String RESOURCE = "/noise/cacophony-XX_25519_ChaChaPoly_SHA256.json";
    private static final HexFormat HEX = HexFormat.of();
    private static final int HANDSHAKE_MESSAGES = 3;

    record Message(byte[] payload, byte[] ciphertext) {
    }

    record Vector(String protocolName, byte[] initPrologue, byte[] initStatic, byte[] initEphemeral,
            byte[] respPrologue, byte[] respStatic, byte[] respEphemeral, byte[] handshakeHash,
            List<Message> messages) {
    }

    enum Role { INITIATOR, RESPONDER }

    static List<Vector> vectors() throws IOException {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE).isNotNull();
            JsonNode root = JsonMapper.builder().build().readTree(in);
            List<Vector> result = new ArrayList<>();
            for (JsonNode v : root.get("vectors")) {
                List<Message> messages = new ArrayList<>();
                for (JsonNode m : v.get("messages")) {
                    messages.add(new Message(hex(m, "payload"), hex(m, "ciphertext")));
                }
                result.add(new Vector(v.get("protocol_name").asString(),
                        hex(v, "init_prologue"), hex(v, "init_static"), hex(v, "init_ephemeral"),
                        hex(v, "resp_prologue"), hex(v, "resp_static"), hex(v, "resp_ephemeral"),
                        hex(v, "handshake_hash"), messages));
            }
            return result;
        }
    }

    private static byte[] hex(JsonNode node, String field) {
        return HEX.parseHex(node.get(field).asString());
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        List<Vector> vectors = vectors();
        for (int i = 0; i < vectors.size(); i++) {
            for (AeadImplementation aead : AeadImplementation.values()) {
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
        assertThat(vectors).isNotEmpty();
        for (Vector v : vectors) {
            assertThat(v.protocolName()).isEqualTo(NoiseHandshake.PROTOCOL_NAME);
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

        for (int i = 0; i < HANDSHAKE_MESSAGES; i++) {
            Message m = v.messages().get(i);
            if (sentByInitiator(i) == weInitiate) {
                assertThat(ours.isWriteTurn()).isTrue();
                assertThat(ours.writeMessage(m.payload())).as("handshake message %d", i).isEqualTo(m.ciphertext());
            } else {
                assertThat(ours.isWriteTurn()).isFalse();
                assertThat(ours.readMessage(m.ciphertext())).as("handshake payload %d", i).isEqualTo(m.payload());
            }
        }
        assertThat(ours.isComplete()).isTrue();
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
