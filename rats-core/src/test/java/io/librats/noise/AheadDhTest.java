package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AheadDhTest {

    private final NoiseKeyPair local = NoiseKeyPair.generate();
    private final byte[] remote = NoiseKeyPair.generate().publicKey();
    private final ExecutorService helper = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopHelper() throws InterruptedException {
        helper.shutdownNow();
        assertThat(helper.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private byte[] direct() throws NoiseException {
        byte[] out = new byte[32];
        local.dh(remote, out);
        return out;
    }

    @Test
    void givesTheSameResultWhoeverComputesIt() throws NoiseException {
        byte[] expected = direct();
        List<Runnable> queued = new ArrayList<>();
        AheadDh neverRun = AheadDh.start(local, remote, queued::add);
        AheadDh ranFirst = AheadDh.start(local, remote, Runnable::run);
        AheadDh refused = AheadDh.start(local, remote, task -> {
            throw new RejectedExecutionException("shut down");
        });
        AheadDh concurrent = AheadDh.start(local, remote, helper);
        for (AheadDh dh : List.of(neverRun, ranFirst, refused, concurrent)) {
            byte[] out = new byte[32];
            dh.takeInto(out);
            assertThat(out).isEqualTo(expected);
        }
        queued.forEach(Runnable::run);
    }

    @Test
    void aLowOrderRemoteKeyFailsAtTakeWhoeverComputesIt() {
        byte[] lowOrder = new byte[32];
        List<Runnable> queued = new ArrayList<>();
        for (AheadDh dh : List.of(AheadDh.start(local, lowOrder, Runnable::run), AheadDh.start(local, lowOrder, queued::add),
                AheadDh.start(local, lowOrder, helper))) {
            assertThatThrownBy(() -> dh.takeInto(new byte[32])).isInstanceOf(NoiseException.class).hasMessageContaining("low-order");
        }
    }

    @Test
    void anAbandonedComputationIsNeitherStartedNorKept() {
        List<Runnable> queued = new ArrayList<>();
        AheadDh dh = AheadDh.start(local, remote, queued::add);
        dh.abandon();
        NoiseKeyPair doomed = NoiseKeyPair.generate();
        doomed.destroy();
        AheadDh afterWipe = AheadDh.start(doomed, remote, Runnable::run);
        afterWipe.abandon();
        assertThat(queued).hasSize(1);
        queued.get(0).run(); // returns at once: abandoned before it began
    }

    @Test
    void handshakesWithARealHelperAgree() throws NoiseException {
        NoiseKeyPair alice = NoiseKeyPair.generate();
        NoiseKeyPair bob = NoiseKeyPair.generate();
        try (EphemeralKeyPool pool = new EphemeralKeyPool(2, helper)) {
            for (int i = 0; i < 50; i++) {
                NoiseHandshake initiator = NoiseHandshake.initiator(alice, null, AeadImplementation.fastest(), pool, helper);
                NoiseHandshake responder = NoiseHandshake.responder(bob, null, AeadImplementation.fastest(), pool, helper);
                responder.readMessage(initiator.writeMessage(null));
                initiator.readMessage(responder.writeMessage(null));
                responder.readMessage(initiator.writeMessage(null));
                assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
                assertThat(initiator.remoteStaticKey()).isEqualTo(bob.publicKey());
                assertThat(responder.remoteStaticKey()).isEqualTo(alice.publicKey());
                initiator.destroy();
                responder.destroy();
            }
        }
    }

    @Test
    void aHandshakeThatDiesAbandonsItsComputationAhead() throws NoiseException {
        List<Runnable> queued = new ArrayList<>();
        NoiseHandshake responder = NoiseHandshake.responder(NoiseKeyPair.generate(), null, AeadImplementation.fastest(),
                new EphemeralKeyPool(1, Runnable::run), queued::add);
        NoiseHandshake initiator = NoiseHandshake.initiator(NoiseKeyPair.generate(), null, AeadImplementation.fastest());
        responder.readMessage(initiator.writeMessage(null));
        assertThat(queued).as("es started as soon as the initiator's ephemeral arrived").hasSize(1);
        responder.destroy();
        queued.get(0).run();
        assertThatThrownBy(() -> responder.writeMessage(null)).isInstanceOf(NoiseException.class);
    }
}
