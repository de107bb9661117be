package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class EphemeralKeyPoolTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Runs refills only when the test says so. */
    private static final class ManualExecutor implements java.util.concurrent.Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    @Test
    void fillsUpToItsCapacityAndNoFurther() {
        ManualExecutor refiller = new ManualExecutor();
        try (EphemeralKeyPool pool = new EphemeralKeyPool(3, refiller)) {
            assertThat(pool.size()).as("filled off the caller's thread").isZero();
            assertThat(refiller.tasks).hasSize(1);
            refiller.runAll();
            assertThat(pool.size()).isEqualTo(3);
            for (int i = 0; i < 5; i++) {
                assertThat(pool.take().isDestroyed()).isFalse();
            }
            assertThat(refiller.tasks).as("at most one refill pending, however many takes").hasSize(1);
            refiller.runAll();
            assertThat(pool.size()).isEqualTo(3);
            pool.take();
            refiller.runAll();
            refiller.runAll();
            assertThat(pool.size()).isEqualTo(3);
        }
    }

    @Test
    void neverHandsOutTheSameKeyPairTwiceUnderConcurrentTakes() throws Exception {
        ExecutorService refiller = Executors.newSingleThreadExecutor();
        ExecutorService takers = Executors.newFixedThreadPool(4);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (EphemeralKeyPool pool = new EphemeralKeyPool(4, refiller)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(takers.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        NoiseKeyPair keyPair = pool.take();
                        assertThat(seen.add(HEX.formatHex(keyPair.publicKey()))).as("a key pair handed out twice").isTrue();
                        assertThat(pool.size()).isLessThanOrEqualTo(4);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(seen).hasSize(1000);
        } finally {
            takers.shutdownNow();
            refiller.shutdownNow();
            assertThat(takers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(refiller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void twoHandshakesFromOnePoolUseDifferentEphemerals() throws NoiseException {
        NoiseKeyPair alice = NoiseKeyPair.generate();
        NoiseKeyPair bob = NoiseKeyPair.generate();
        Set<String> ephemerals = new java.util.HashSet<>();
        try (EphemeralKeyPool pool = new EphemeralKeyPool(2, Runnable::run)) {
            for (int i = 0; i < 2; i++) {
                NoiseHandshake initiator = NoiseHandshake.initiator(alice, null, AeadImplementation.BOUNCY_CASTLE, pool, Runnable::run);
                NoiseHandshake responder = NoiseHandshake.responder(bob, null, AeadImplementation.BOUNCY_CASTLE, pool, Runnable::run);
                byte[] m1 = initiator.writeMessage(null);
                responder.readMessage(m1);
                byte[] m2 = responder.writeMessage(null);
                initiator.readMessage(m2);
                responder.readMessage(initiator.writeMessage(null));
                assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
                // Messages 1 and 2 start with the sender's ephemeral public key, in the clear.
                ephemerals.add(HEX.formatHex(m1, 0, NoiseKeyPair.KEY_LENGTH));
                ephemerals.add(HEX.formatHex(m2, 0, NoiseKeyPair.KEY_LENGTH));
                initiator.destroy();
                responder.destroy();
            }
        }
        assertThat(ephemerals).hasSize(4);
    }

    @Test
    void closeWipesTheStockAndLaterTakesStillWork() {
        ManualExecutor refiller = new ManualExecutor();
        EphemeralKeyPool pool = new EphemeralKeyPool(2, refiller);
        refiller.runAll();
        assertThat(pool.size()).isEqualTo(2);
        pool.close();
        assertThat(pool.size()).isZero();
        NoiseKeyPair late = pool.take();
        assertThat(late.isDestroyed()).isFalse();
        assertThat(refiller.tasks).as("a closed pool does not refill").isEmpty();
        pool.close();
        assertThat(pool.toString()).isEqualTo("EphemeralKeyPool[0/2, closed]").doesNotContain(HEX.formatHex(late.publicKey()));
    }

    @Test
    void aRefillThatRacesCloseLeavesNothingBehind() {
        ManualExecutor refiller = new ManualExecutor();
        EphemeralKeyPool pool = new EphemeralKeyPool(2, refiller);
        pool.close();
        refiller.runAll();
        assertThat(pool.size()).isZero();
    }

    @Test
    void takesWorkWhenTheRefillerRefuses() {
        try (EphemeralKeyPool pool = new EphemeralKeyPool(2, task -> {
            throw new RejectedExecutionException("shut down");
        })) {
            assertThat(pool.take()).isNotEqualTo(pool.take());
            assertThat(pool.size()).isZero();
        }
    }

    @Test
    void rejectsAnEmptyPool() {
        assertThatThrownBy(() -> new EphemeralKeyPool(0, Runnable::run)).isInstanceOf(IllegalArgumentException.class);
    }
}
