package io.librats.noise;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One X25519 computed on another thread while the handshake's own thread computes a different one, then taken
 * with {@link #takeInto}. Whoever starts it first computes it: if the helper thread has not begun by the time
 * the handshake needs the result, the handshake computes it itself, so it never waits for a queued task, only,
 * at most, for the rest of one X25519 already running. Thread-safe; package-private.
 */
final class AheadDh implements Runnable {

    /** How long the taker spins for a running computation before it blocks (one X25519 is ~0.1 ms). */
    private static final long SPIN_NANOS = 300_000;

    private final NoiseKeyPair local;
    private final byte[] remote;
    private byte[] result;
    private NoiseException failure;
    private boolean started;
    private boolean abandoned;
    private volatile boolean done;

    private AheadDh(NoiseKeyPair local, byte[] remote) {
        this.local = local;
        this.remote = remote;
    }

    /** Starts {@code DH(local, remote)} on {@code helper}; {@code remote} must not change afterwards. */
    static AheadDh start(NoiseKeyPair local, byte[] remote, Executor helper) {
        AheadDh dh = new AheadDh(local, remote);
        try {
            helper.execute(dh);
        } catch (RejectedExecutionException shuttingDown) {
            // takeInto computes it.
        }
        return dh;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        byte[] out = new byte[NoiseKeyPair.KEY_LENGTH];
        NoiseException error = null;
        try {
            local.dh(remote, out);
        } catch (NoiseException e) {
            error = e;
        } catch (RuntimeException e) {
            // The handshake died and wiped its keys meanwhile; nobody will take this result.
            error = new NoiseException("key agreement abandoned");
        }
        synchronized (this) {
            if (abandoned) {
                Arrays.fill(out, (byte) 0);
            } else {
                result = out;
                failure = error;
            }
            done = true;
            notifyAll();
        }
    }

    /**
     * Writes the DH result to {@code target[0..32)}, computing it here if the helper has not started.
     *
     * @throws NoiseException if the result is all zeros (low-order remote key)
     */
    void takeInto(byte[] target) throws NoiseException {
        boolean mine;
        synchronized (this) {
            mine = !started;
            if (mine) {
                started = true;
                done = true;
            }
        }
        if (mine) {
            local.dh(remote, target);
            return;
        }
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!done && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        synchronized (this) {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            try {
                if (failure != null) {
                    throw failure;
                }
                System.arraycopy(result, 0, target, 0, NoiseKeyPair.KEY_LENGTH);
            } finally {
                abandon();
            }
        }
    }

    /** Wipes the result, or makes the helper wipe it when it finishes; the result can no longer be taken. */
    synchronized void abandon() {
        if (!started) {
            started = true;
            done = true;
        }
        abandoned = true;
        if (result != null) {
            Arrays.fill(result, (byte) 0);
            result = null;
        }
    }
}
