package io.librats.noise;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small, bounded stock of fresh ephemeral key pairs, generated ahead of time on another thread, so that a
 * handshake does not compute its ephemeral key (an X25519 base-point multiplication) on its critical path.
 *
 * <p>Each key pair leaves the pool exactly once, through {@link #take()}, and the pool keeps no reference to it;
 * the handshake that takes it destroys it as it ends, as it does with one it generated itself. Taking never
 * waits: when the pool is empty (a burst of handshakes, or a refill that has not run yet), {@code take()}
 * generates the key pair on the caller's thread. Every take asks {@code refiller} to top the pool up to its
 * capacity, with at most one refill queued or running at a time. {@link #close()} wipes the stock. Thread-safe.
 */
public final class EphemeralKeyPool implements AutoCloseable {

    private final ArrayBlockingQueue<NoiseKeyPair> stock;
    private final Executor refiller;
    private final AtomicBoolean refillPending = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * Creates the pool and asks {@code refiller} to fill it.
     *
     * @param capacity most key pairs kept ready, at least 1
     * @param refiller runs refills; never an event loop, since a refill computes up to {@code capacity} keys
     */
    public EphemeralKeyPool(int capacity, Executor refiller) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.stock = new ArrayBlockingQueue<>(capacity);
        this.refiller = Objects.requireNonNull(refiller, "refiller");
        requestRefill();
    }

    /**
     * @return a key pair nobody else has been or will be given: one from the stock, or a new one generated here
     *     when the stock is empty or the pool is closed
     */
    public NoiseKeyPair take() {
        NoiseKeyPair keyPair = stock.poll();
        if (closed) {
            destroy(keyPair);
            return NoiseKeyPair.generate();
        }
        requestRefill();
        return (keyPair != null) ? keyPair : NoiseKeyPair.generate();
    }

    /** Key pairs ready now; at most the capacity. */
    int size() {
        return stock.size();
    }

    /** Wipes the key pairs in stock; later takes generate their key pair themselves. Idempotent. */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void requestRefill() {
        if (closed || stock.remainingCapacity() == 0 || !refillPending.compareAndSet(false, true)) {
            return;
        }
        try {
            refiller.execute(this::refill);
        } catch (RejectedExecutionException shuttingDown) {
            refillPending.set(false);
        }
    }

    private void refill() {
        try {
            while (!closed && stock.remainingCapacity() > 0) {
                NoiseKeyPair keyPair = NoiseKeyPair.generate();
                if (!stock.offer(keyPair)) {
                    keyPair.destroy();
                }
            }
        } finally {
            refillPending.set(false);
        }
        if (closed) {
            // close() may have drained before our last offer.
            drain();
        }
    }

    private void drain() {
        NoiseKeyPair keyPair;
        while ((keyPair = stock.poll()) != null) {
            keyPair.destroy();
        }
    }

    private static void destroy(NoiseKeyPair keyPair) {
        if (keyPair != null) {
            keyPair.destroy();
        }
    }

    @Override
    public String toString() {
        return "EphemeralKeyPool[" + stock.size() + "/" + (stock.size() + stock.remainingCapacity()) + (closed ? ", closed" : "") + "]";
    }
}
