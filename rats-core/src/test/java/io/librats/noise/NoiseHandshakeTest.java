package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our XX initiator against our XX responder: success, authentication, and hostile input. */
class NoiseHandshakeTest {

    private static final AeadImplementation AEAD = AeadImplementation.BOUNCY_CASTLE;
    private static final byte[] PROLOGUE = "rats/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] PAYLOADS = {
        "hello".getBytes(StandardCharsets.US_ASCII),
        "hello yourself".getBytes(StandardCharsets.US_ASCII),
        "and goodbye".getBytes(StandardCharsets.US_ASCII),
    };

    private final NoiseKeyPair initiatorStatic = NoiseKeyPair.generate();
    private final NoiseKeyPair responderStatic = NoiseKeyPair.generate();

    static Stream<Arguments> implementationPairs() {
        return Stream.of(AeadImplementation.values())
                .flatMap(i -> Stream.of(AeadImplementation.values()).map(r -> Arguments.of(i, r)));
    }

    private NoiseHandshake initiator() {
        return NoiseHandshake.initiator(initiatorStatic, PROLOGUE, AEAD);
    }

    private NoiseHandshake responder() {
        return NoiseHandshake.responder(responderStatic, PROLOGUE, AEAD);
    }

    /**
     * Runs all three messages; message {@code tamperIndex} is passed through {@code tamper} on the
     * wire. Each reader must return the writer's payload, except for the tampered message (message
     * 1 travels in the clear, so a changed payload byte is only noticed through the transcript hash).
     */
    private static void handshake(NoiseHandshake initiator, NoiseHandshake responder, int tamperIndex,
            UnaryOperator<byte[]> tamper) throws NoiseException {
        for (int i = 0; i < PAYLOADS.length; i++) {
            NoiseHandshake writer = i % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = i % 2 == 0 ? responder : initiator;
            byte[] wire = writer.writeMessage(PAYLOADS[i]);
            if (i == tamperIndex) {
                reader.readMessage(tamper.apply(wire));
            } else {
                assertThat(reader.readMessage(wire)).isEqualTo(PAYLOADS[i]);
            }
        }
    }

    private static void handshake(NoiseHandshake initiator, NoiseHandshake responder) throws NoiseException {
        handshake(initiator, responder, -1, UnaryOperator.identity());
    }

    /** Honest wire lengths of the three messages with {@link #PAYLOADS}. */
    private static int[] honestLengths() {
        return new int[] {32 + PAYLOADS[0].length, 32 + 48 + PAYLOADS[1].length + 16, 48 + PAYLOADS[2].length + 16};
    }

    @ParameterizedTest(name = "initiator {0}, responder {1}")
    @MethodSource("implementationPairs")
    void completesWithMutualAuthenticationAndWorkingTransport(AeadImplementation ia, AeadImplementation ra) throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(initiatorStatic, PROLOGUE, ia);
        NoiseHandshake responder = NoiseHandshake.responder(responderStatic, PROLOGUE, ra);
        assertThat(initiator.isWriteTurn()).isTrue();
        assertThat(responder.isWriteTurn()).isFalse();

        byte[] m1 = initiator.writeMessage(PAYLOADS[0]);
        assertThat(m1).hasSize(honestLengths()[0]);
        assertThat(responder.readMessage(m1)).isEqualTo(PAYLOADS[0]);
        assertThat(responder.isWriteTurn()).isTrue();
        byte[] m2 = responder.writeMessage(PAYLOADS[1]);
        assertThat(m2).hasSize(honestLengths()[1]);
        assertThat(initiator.readMessage(m2)).isEqualTo(PAYLOADS[1]);
        assertThat(initiator.remoteStaticKey()).as("initiator learns the responder after message 2")
                .isEqualTo(responderStatic.publicKey());
        assertThatThrownBy(responder::remoteStaticKey).isInstanceOf(IllegalStateException.class);
        byte[] m3 = initiator.writeMessage(PAYLOADS[2]);
        assertThat(m3).hasSize(honestLengths()[2]);
        assertThat(responder.readMessage(m3)).isEqualTo(PAYLOADS[2]);

        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(initiator.isWriteTurn()).isFalse();
        assertThat(responder.isWriteTurn()).isFalse();
        assertThat(responder.remoteStaticKey()).isEqualTo(initiatorStatic.publicKey());
        assertThat(initiator.remoteStaticKey()).isEqualTo(responderStatic.publicKey());
        assertThat(initiator.handshakeHash()).hasSize(32).isEqualTo(responder.handshakeHash());

        NoiseTransport it = initiator.split();
        NoiseTransport rt = responder.split();
        for (int i = 0; i < 3; i++) {
            byte[] ping = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
            byte[] pong = ("pong " + i).getBytes(StandardCharsets.US_ASCII);
            assertThat(NoiseVectorsTest.decrypt(rt.receiver(), NoiseVectorsTest.encrypt(it.sender(), ping))).isEqualTo(ping);
            assertThat(NoiseVectorsTest.decrypt(it.receiver(), NoiseVectorsTest.encrypt(rt.sender(), pong))).isEqualTo(pong);
        }
        byte[] toSelf = NoiseVectorsTest.encrypt(it.sender(), PAYLOADS[0]);
        assertThatThrownBy(() -> NoiseVectorsTest.decrypt(it.receiver(), toSelf))
                .as("the two directions use different keys").isInstanceOf(NoiseException.class);
    }

    @Test
    void freshEphemeralKeysMakeEverySessionDifferent() throws NoiseException {
        NoiseHandshake i1 = initiator();
        NoiseHandshake r1 = responder();
        handshake(i1, r1);
        NoiseHandshake i2 = initiator();
        NoiseHandshake r2 = responder();
        handshake(i2, r2);
        assertThat(i1.handshakeHash()).isNotEqualTo(i2.handshakeHash());
    }

    @Test
    void nullPrologueAndPayloadMeanEmpty() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(initiatorStatic, null, AEAD);
        NoiseHandshake responder = NoiseHandshake.responder(responderStatic, new byte[0], AEAD);
        assertThat(responder.readMessage(initiator.writeMessage(null))).isEmpty();
        assertThat(initiator.readMessage(responder.writeMessage(null))).isEmpty();
        assertThat(responder.readMessage(initiator.writeMessage(new byte[0]))).isEmpty();
        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
    }

    @Test
    void prologueMismatchFailsTheHandshake() throws NoiseException {
        NoiseHandshake initiator = NoiseHandshake.initiator(initiatorStatic, "rats/1".getBytes(StandardCharsets.US_ASCII), AEAD);
        NoiseHandshake responder = NoiseHandshake.responder(responderStatic, "rats/2".getBytes(StandardCharsets.US_ASCII), AEAD);
        responder.readMessage(initiator.writeMessage(PAYLOADS[0]));
        byte[] m2 = responder.writeMessage(PAYLOADS[1]);
        assertThatThrownBy(() -> initiator.readMessage(m2))
                .isInstanceOf(NoiseException.class)
                .hasMessage("decryption failed: bad tag");
        assertThat(initiator.isComplete()).isFalse();
    }

    @Test
    void everyFlippedByteInEveryMessageFailsTheHandshake() {
        int[] lengths = honestLengths();
        for (int message = 0; message < lengths.length; message++) {
            for (int pos = 0; pos < lengths[message]; pos++) {
                for (int bit : new int[] {0, 7}) {
                    int m = message;
                    int p = pos;
                    NoiseHandshake initiator = initiator();
                    NoiseHandshake responder = responder();
                    Throwable thrown = catchThrowable(() -> handshake(initiator, responder, m, wire -> {
                        byte[] copy = wire.clone();
                        copy[p] ^= (byte) (1 << bit);
                        return copy;
                    }));
                    assertThat(thrown).as("message %d, byte %d, bit %d", message, pos, bit).isInstanceOf(NoiseException.class);
                    assertThat(initiator.isComplete() && responder.isComplete()).isFalse();
                }
            }
        }
    }

    @Test
    void truncatedMessagesFail() {
        int[] lengths = honestLengths();
        for (int message = 0; message < lengths.length; message++) {
            for (int len = 0; len < lengths[message]; len++) {
                int m = message;
                int l = len;
                NoiseHandshake initiator = initiator();
                NoiseHandshake responder = responder();
                Throwable thrown = catchThrowable(() -> handshake(initiator, responder, m, wire -> Arrays.copyOf(wire, l)));
                assertThat(thrown).as("message %d cut to %d bytes", message, len).isInstanceOf(NoiseException.class);
                if (message > 0 || len < 32) {
                    // Message 1 is plaintext past its ephemeral key, so a shorter payload is only caught
                    // by message 2; every other truncation is caught on the spot.
                    assertThat(thrown).hasMessageContaining(len < minimumLength(message) ? "too short" : "bad tag");
                }
            }
        }
    }

    private static int minimumLength(int message) {
        return new int[] {32, 96, 64}[message];
    }

    @Test
    void outOfTurnCallsAreRejectedWithoutChangingState() throws NoiseException {
        NoiseHandshake initiator = initiator();
        NoiseHandshake responder = responder();
        assertThatThrownBy(() -> initiator.readMessage(new byte[64]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("unexpected handshake message");
        assertThatThrownBy(() -> responder.writeMessage(PAYLOADS[0]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("turn");
        byte[] m1 = initiator.writeMessage(PAYLOADS[0]);
        assertThatThrownBy(() -> initiator.writeMessage(PAYLOADS[0])).isInstanceOf(NoiseException.class);
        responder.readMessage(m1);
        assertThatThrownBy(() -> responder.readMessage(m1))
                .isInstanceOf(NoiseException.class).hasMessageContaining("unexpected handshake message");
        initiator.readMessage(responder.writeMessage(PAYLOADS[1]));
        responder.readMessage(initiator.writeMessage(PAYLOADS[2]));

        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
        for (NoiseHandshake done : new NoiseHandshake[] {initiator, responder}) {
            assertThatThrownBy(() -> done.writeMessage(PAYLOADS[0])).isInstanceOf(NoiseException.class).hasMessageContaining("complete");
            assertThatThrownBy(() -> done.readMessage(m1)).isInstanceOf(NoiseException.class).hasMessageContaining("complete");
        }
    }

    @Test
    void resultsAreOnlyAvailableWhenTheyExist() throws NoiseException {
        NoiseHandshake initiator = initiator();
        NoiseHandshake responder = responder();
        for (NoiseHandshake h : new NoiseHandshake[] {initiator, responder}) {
            assertThatThrownBy(h::remoteStaticKey).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(h::handshakeHash).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(h::split).isInstanceOf(IllegalStateException.class);
        }
        handshake(initiator, responder);
        initiator.split();
        assertThatThrownBy(initiator::split).as("split only once").isInstanceOf(IllegalStateException.class);
        responder.destroy();
        assertThatThrownBy(responder::split).isInstanceOf(IllegalStateException.class);
        assertThat(responder.remoteStaticKey()).isEqualTo(initiatorStatic.publicKey());
    }

    @Test
    void aFailedHandshakeStaysFailed() throws NoiseException {
        NoiseHandshake initiator = initiator();
        NoiseHandshake responder = responder();
        responder.readMessage(initiator.writeMessage(PAYLOADS[0]));
        byte[] m2 = responder.writeMessage(PAYLOADS[1]);
        byte[] forged = m2.clone();
        forged[forged.length - 1] ^= 1;
        assertThatThrownBy(() -> initiator.readMessage(forged)).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> initiator.readMessage(m2)).isInstanceOf(NoiseException.class).hasMessageContaining("failed");
        assertThatThrownBy(() -> initiator.writeMessage(PAYLOADS[2])).isInstanceOf(NoiseException.class);
        assertThatThrownBy(initiator::remoteStaticKey).as("never exposed unverified").isInstanceOf(IllegalStateException.class);
        assertThat(initiator.isWriteTurn()).isFalse();
        assertThat(initiator.isComplete()).isFalse();
    }

    @Test
    void aDestroyedHandshakeRefusesToContinue() throws NoiseException {
        NoiseHandshake initiator = initiator();
        NoiseHandshake responder = responder();
        responder.readMessage(initiator.writeMessage(PAYLOADS[0]));
        byte[] m2 = responder.writeMessage(PAYLOADS[1]);
        initiator.destroy();
        assertThatThrownBy(() -> initiator.readMessage(m2)).isInstanceOf(NoiseException.class).hasMessageContaining("destroyed");
        initiator.destroy();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 1234, 0xDEADBEEFL, -7})
    void seededRandomGarbageOnlyEverFailsWithNoiseException(long seed) throws NoiseException {
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            byte[] garbage = garbage(random);

            // As message 1 the bytes are an unauthenticated ephemeral key plus a clear payload: they may
            // be accepted, and then replying may still fail (e.g. a low-order key).
            NoiseHandshake responder = responder();
            expectNoiseExceptionOrSuccess(() -> {
                responder.readMessage(garbage);
                responder.writeMessage(PAYLOADS[1]);
            });

            // As message 2 or 3 nothing but an authentic message is accepted.
            NoiseHandshake initiator = initiator();
            initiator.writeMessage(PAYLOADS[0]);
            assertThatThrownBy(() -> initiator.readMessage(garbage)).isInstanceOf(NoiseException.class);

            NoiseHandshake i3 = initiator();
            NoiseHandshake r3 = responder();
            r3.readMessage(i3.writeMessage(PAYLOADS[0]));
            byte[] m2 = r3.writeMessage(PAYLOADS[1]);
            i3.readMessage(m2);
            assertThatThrownBy(() -> r3.readMessage(garbage)).isInstanceOf(NoiseException.class);

            // Random mutations of an authentic message 2 are rejected as well.
            NoiseHandshake i4 = initiator();
            NoiseHandshake r4 = responder();
            r4.readMessage(i4.writeMessage(PAYLOADS[0]));
            byte[] mutated = mutate(random, r4.writeMessage(PAYLOADS[1]));
            assertThatThrownBy(() -> i4.readMessage(mutated)).isInstanceOf(NoiseException.class);
        }
    }

    private static byte[] garbage(Random random) {
        int len = switch (random.nextInt(6)) {
            case 0 -> random.nextInt(32);
            case 1 -> 60 + random.nextInt(50); // around the minimum sizes of messages 2 and 3
            case 2 -> 65535 + random.nextInt(3); // around the size limit
            default -> random.nextInt(400);
        };
        byte[] b = new byte[len];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] message) {
        byte[] copy = message.clone();
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            int pos = random.nextInt(copy.length);
            copy[pos] = (byte) (copy[pos] ^ (1 + random.nextInt(255)));
        }
        return random.nextBoolean() ? copy : Arrays.copyOf(copy, random.nextInt(copy.length + 20));
    }

    private interface NoiseAction {
        void run() throws NoiseException;
    }

    private static void expectNoiseExceptionOrSuccess(NoiseAction action) {
        Throwable thrown = catchThrowable(action::run);
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(NoiseException.class);
        }
    }

    @Test
    void lowOrderEphemeralKeysAreRejected() throws NoiseException {
        byte[] one = new byte[32];
        one[0] = 1;
        for (byte[] lowOrder : new byte[][] {new byte[32], one}) {
            // Responder: the bad key arrives in the clear in message 1 and fails at the first DH (ee).
            NoiseHandshake responder = responder();
            responder.readMessage(lowOrder.clone());
            assertThatThrownBy(() -> responder.writeMessage(PAYLOADS[1]))
                    .isInstanceOf(NoiseException.class).hasMessageContaining("low-order");

            // Initiator: a message 2 whose ephemeral key was replaced.
            NoiseHandshake initiator = initiator();
            NoiseHandshake honest = responder();
            honest.readMessage(initiator.writeMessage(PAYLOADS[0]));
            byte[] m2 = honest.writeMessage(PAYLOADS[1]);
            System.arraycopy(lowOrder, 0, m2, 0, 32);
            assertThatThrownBy(() -> initiator.readMessage(m2))
                    .isInstanceOf(NoiseException.class).hasMessageContaining("low-order");
        }
    }

    @Test
    void messagesAreLimitedTo65535Bytes() throws NoiseException {
        NoiseHandshake initiator = initiator();
        NoiseHandshake responder = responder();
        assertThatThrownBy(() -> initiator.writeMessage(new byte[65535 - 32 + 1]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too large");
        assertThat(initiator.isWriteTurn()).as("an oversized payload leaves the handshake usable").isTrue();
        byte[] m1 = initiator.writeMessage(new byte[65535 - 32]);
        assertThat(m1).hasSize(65535);
        assertThat(responder.readMessage(m1)).hasSize(65535 - 32);
        assertThatThrownBy(() -> responder.writeMessage(new byte[65535 - 96 + 1]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too large");
        initiator.readMessage(responder.writeMessage(new byte[65535 - 96]));

        NoiseHandshake other = responder();
        assertThatThrownBy(() -> other.readMessage(new byte[65536]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("too large");
    }

    @Test
    void toStringsRevealNoSecrets() throws NoiseException {
        NoiseHandshake initiator = initiator();
        assertThat(initiator.toString()).contains("initiator").contains("1/3");
        NoiseHandshake responder = responder();
        handshake(initiator, responder);
        assertThat(responder.toString()).contains("complete");
        NoiseTransport transport = responder.split();
        assertThat(transport.toString()).contains("n=0");
    }
}
