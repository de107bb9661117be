package io.librats.noise;

import java.util.Objects;

/**
 * The result of a completed handshake: one {@link CipherState} per direction, already oriented for
 * the local role, so callers never have to remember which of Noise's {@code c1}/{@code c2} is theirs.
 */
public final class NoiseTransport {

    private final CipherState sender;
    private final CipherState receiver;

    NoiseTransport(CipherState sender, CipherState receiver) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
    }

    /**
     * @return the state that encrypts messages this side sends
     */
    public CipherState sender() {
        return sender;
    }

    /**
     * @return the state that decrypts messages this side receives
     */
    public CipherState receiver() {
        return receiver;
    }

    @Override
    public String toString() {
        return "NoiseTransport[sender=" + sender + ", receiver=" + receiver + "]";
    }
}
