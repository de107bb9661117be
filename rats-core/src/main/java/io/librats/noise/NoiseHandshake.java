package io.librats.noise;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One side of a {@code Noise_XX_25519_ChaChaPoly_SHA256} handshake (Noise revision 34):
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * <p>XX is used because peers learn each other's static key during the handshake, with no prior
 * knowledge, while both static keys travel encrypted and each side proves possession of its key.
 * Each message can carry an application payload; the first is sent in the clear, the second is
 * encrypted but sent before the initiator is authenticated, the third is fully protected.
 *
 * <p>Drive it by alternating {@link #writeMessage} and {@link #readMessage} as {@link #isWriteTurn()}
 * says. Any malformed, unauthenticated or oversized peer message raises {@link NoiseException} and
 * kills the handshake (all later calls fail); a call out of turn raises {@link NoiseException}
 * without changing state. When {@link #isComplete()}, call {@link #split()} once to get the transport
 * ciphers, and compare {@link #remoteStaticKey()} against whatever identity policy applies. Not
 * thread-safe.
 */
public final class NoiseHandshake {

    /**
     * The full Noise protocol name with the cipher every node speaks, {@link NoiseCipher#CHACHA_POLY}; it is also the
     * initial handshake hash. {@link #useCipher} switches a handshake to another.
     */
    public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** Largest handshake message in bytes, the Noise limit. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private static final int DHLEN = NoiseKeyPair.KEY_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    private enum Token { E, S, EE, ES, SE }

    private static final Token[][] XX = {
        {Token.E},
        {Token.E, Token.EE, Token.S, Token.ES},
        {Token.S, Token.SE},
    };

    private final boolean initiator;
    private final NoiseKeyPair localStatic;
    private final AeadImplementation aead;
    private final byte[] prologue;
    private SymmetricState symmetric;
    private NoiseCipher cipher = NoiseCipher.CHACHA_POLY;
    /** The initiator's first payload, kept until the peer's first message in case {@link #useCipher} replays it. */
    private byte[] firstPayload;
    private final EphemeralKeyPool ephemerals;
    private final Executor dhHelper;
    /** DH(s, re), started on {@link #dhHelper} as soon as {@code re} arrives: the responder's es, the initiator's se. */
    private AheadDh staticEphemeralDh;
    private final byte[] dhOutput = new byte[DHLEN];
    private NoiseKeyPair localEphemeral;
    private byte[] remoteEphemeral;
    private byte[] remoteStatic;
    private byte[] handshakeHash;
    private int messageIndex;
    private boolean failed;
    private boolean split;
    private boolean destroyed;

    private NoiseHandshake(boolean initiator, NoiseKeyPair localStatic, byte[] prologue,
            AeadImplementation aead, NoiseKeyPair fixedEphemeral, EphemeralKeyPool ephemerals, Executor dhHelper) {
        Objects.requireNonNull(localStatic, "localStatic");
        Objects.requireNonNull(aead, "aead");
        if (localStatic.isDestroyed()) {
            throw new IllegalArgumentException("local static key pair has been destroyed");
        }
        this.initiator = initiator;
        this.localStatic = localStatic;
        this.localEphemeral = fixedEphemeral;
        this.ephemerals = ephemerals;
        this.dhHelper = dhHelper;
        this.aead = aead;
        this.prologue = prologue == null ? EMPTY : prologue.clone();
        this.symmetric = new SymmetricState(cipher, aead);
        symmetric.mixHash(this.prologue, 0, this.prologue.length);
    }

    /**
     * Switches this handshake to another cipher function, as long as nothing that depends on it has been sent or
     * received: the responder before it reads message 1, the initiator before it reads message 2. Message 1 of XX is
     * an ephemeral key and a payload in the clear, so the same bytes serve every cipher; switching recomputes the
     * handshake hash from the new protocol name through the prologue and, on the initiator, message 1.
     *
     * @throws IllegalStateException if the peer's first message has been read, or the handshake is dead
     */
    public void useCipher(NoiseCipher newCipher) {
        Objects.requireNonNull(newCipher, "newCipher");
        if (failed || destroyed || messageIndex > (initiator ? 1 : 0)) {
            throw new IllegalStateException("the cipher can only change before the peer's first handshake message");
        }
        if (newCipher == cipher) {
            return;
        }
        SymmetricState fresh = new SymmetricState(newCipher, aead);
        fresh.mixHash(prologue, 0, prologue.length);
        if (messageIndex == 1) {
            fresh.mixHash(localEphemeral.publicKeyNoCopy(), 0, DHLEN);
            fresh.mixHash(firstPayload, 0, firstPayload.length);
        }
        symmetric.destroy();
        symmetric = fresh;
        cipher = newCipher;
    }

    /** The cipher function this handshake uses, and its transport ciphers will. */
    public NoiseCipher cipher() {
        return cipher;
    }

    /**
     * Starts the initiator side (the one that sends the first message).
     *
     * @param localStatic this peer's long-term key pair; used, not copied or destroyed
     * @param prologue    data both sides must agree on (e.g. protocol version), authenticated but
     *                    not sent; {@code null} for none
     * @param aead        the ChaCha20-Poly1305 implementation, e.g. {@link AeadImplementation#fastest()}
     * @return a handshake whose first step is {@link #writeMessage}
     */
    public static NoiseHandshake initiator(NoiseKeyPair localStatic, byte[] prologue, AeadImplementation aead) {
        return new NoiseHandshake(true, localStatic, prologue, aead, null, null, null);
    }

    /**
     * Starts the initiator side, taking its ephemeral key from {@code ephemerals} instead of generating it,
     * and computing its {@code se} on {@code dhHelper} while it computes {@code ee} and {@code es} itself.
     *
     * @param ephemerals where the ephemeral key comes from; the handshake destroys it when it ends
     * @param dhHelper   runs one X25519 per handshake concurrently with the caller's; never an event loop.
     *                   If it has not started the computation when the result is due, the caller computes it.
     * @see #initiator(NoiseKeyPair, byte[], AeadImplementation)
     */
    public static NoiseHandshake initiator(NoiseKeyPair localStatic, byte[] prologue, AeadImplementation aead,
            EphemeralKeyPool ephemerals, Executor dhHelper) {
        return new NoiseHandshake(true, localStatic, prologue, aead, null, Objects.requireNonNull(ephemerals, "ephemerals"),
                Objects.requireNonNull(dhHelper, "dhHelper"));
    }

    /**
     * Starts the responder side (the one that receives the first message).
     *
     * @param localStatic this peer's long-term key pair; used, not copied or destroyed
     * @param prologue    must equal the initiator's prologue, or the handshake fails
     * @param aead        the ChaCha20-Poly1305 implementation
     * @return a handshake whose first step is {@link #readMessage}
     */
    public static NoiseHandshake responder(NoiseKeyPair localStatic, byte[] prologue, AeadImplementation aead) {
        return new NoiseHandshake(false, localStatic, prologue, aead, null, null, null);
    }

    /**
     * Starts the responder side, taking its ephemeral key from {@code ephemerals} instead of generating it,
     * and computing its {@code es} on {@code dhHelper} while it computes {@code ee} itself.
     *
     * @param ephemerals where the ephemeral key comes from; the handshake destroys it when it ends
     * @param dhHelper   as for {@link #initiator(NoiseKeyPair, byte[], AeadImplementation, EphemeralKeyPool, Executor)}
     * @see #responder(NoiseKeyPair, byte[], AeadImplementation)
     */
    public static NoiseHandshake responder(NoiseKeyPair localStatic, byte[] prologue, AeadImplementation aead,
            EphemeralKeyPool ephemerals, Executor dhHelper) {
        return new NoiseHandshake(false, localStatic, prologue, aead, null, Objects.requireNonNull(ephemerals, "ephemerals"),
                Objects.requireNonNull(dhHelper, "dhHelper"));
    }

    /**
     * A handshake with a fixed ephemeral key instead of a fresh one: only for test vectors. The
     * handshake destroys {@code ephemeral} when it completes, fails or is destroyed.
     */
    static NoiseHandshake withEphemeral(boolean initiator, NoiseKeyPair localStatic, byte[] prologue,
            AeadImplementation aead, NoiseKeyPair ephemeral) {
        return new NoiseHandshake(initiator, localStatic, prologue, aead, Objects.requireNonNull(ephemeral, "ephemeral"), null, null);
    }

    /**
     * Produces the next handshake message.
     *
     * @param payload application data to carry, {@code null} for none; see the class comment for how
     *                well each message protects it
     * @return the message to send
     * @throws NoiseException if it is not this side's turn, the handshake is over or dead, or the
     *     message would exceed 65535 bytes (in the last two cases the handshake state is unchanged)
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        checkTurn(true);
        byte[] body = payload == null ? EMPTY : payload;
        Token[] tokens = XX[messageIndex];
        long size = (long) overhead(tokens) + body.length;
        if (size > MAX_MESSAGE_LENGTH) {
            throw new NoiseException("handshake message too large: " + size + " bytes, Noise allows " + MAX_MESSAGE_LENGTH);
        }
        byte[] message = new byte[(int) size];
        try {
            int pos = 0;
            for (Token token : tokens) {
                switch (token) {
                    case E -> {
                        if (localEphemeral == null) {
                            localEphemeral = (ephemerals != null) ? ephemerals.take() : NoiseKeyPair.generate();
                        }
                        byte[] e = localEphemeral.publicKeyNoCopy();
                        System.arraycopy(e, 0, message, pos, DHLEN);
                        symmetric.mixHash(e, 0, DHLEN);
                        pos += DHLEN;
                    }
                    case S -> pos += symmetric.encryptAndHash(localStatic.publicKeyNoCopy(), 0, DHLEN, message, pos);
                    default -> mixDh(token);
                }
            }
            symmetric.encryptAndHash(body, 0, body.length, message, pos);
            if (initiator && messageIndex == 0) {
                firstPayload = body.clone();
            }
        } catch (NoiseException | RuntimeException e) {
            fail();
            throw e;
        }
        advance();
        return message;
    }

    /**
     * Consumes the peer's next handshake message.
     *
     * @param message the message as received, at most 65535 bytes
     * @return the payload it carried (possibly empty)
     * @throws NoiseException if the message is out of turn ("unexpected handshake message"), too
     *     short or too long, fails authentication, or carries a low-order public key; except when out
     *     of turn, the handshake is dead afterwards
     * @throws NullPointerException if {@code message} is null
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        Objects.requireNonNull(message, "message");
        checkTurn(false);
        Token[] tokens = XX[messageIndex];
        int overhead = overhead(tokens);
        if (message.length > MAX_MESSAGE_LENGTH) {
            fail();
            throw new NoiseException("handshake message too large: " + message.length + " bytes, Noise allows " + MAX_MESSAGE_LENGTH);
        }
        if (message.length < overhead) {
            fail();
            throw new NoiseException("handshake message too short: " + message.length + " bytes, need at least " + overhead);
        }
        byte[] payload;
        try {
            int pos = 0;
            for (Token token : tokens) {
                switch (token) {
                    case E -> {
                        remoteEphemeral = Arrays.copyOfRange(message, pos, pos + DHLEN);
                        symmetric.mixHash(remoteEphemeral, 0, DHLEN);
                        if (dhHelper != null) {
                            staticEphemeralDh = AheadDh.start(localStatic, remoteEphemeral, dhHelper);
                        }
                        pos += DHLEN;
                    }
                    case S -> {
                        int len = symmetric.hasKey() ? DHLEN + CipherState.TAG_LENGTH : DHLEN;
                        byte[] key = new byte[DHLEN];
                        symmetric.decryptAndHash(message, pos, len, key, 0);
                        remoteStatic = key;
                        pos += len;
                    }
                    default -> mixDh(token);
                }
            }
            int len = message.length - pos;
            payload = new byte[symmetric.hasKey() ? len - CipherState.TAG_LENGTH : len];
            symmetric.decryptAndHash(message, pos, len, payload, 0);
        } catch (NoiseException | RuntimeException e) {
            fail();
            throw e;
        }
        advance();
        return payload;
    }

    /**
     * @return whether the next step is {@link #writeMessage} (false once complete or dead)
     */
    public boolean isWriteTurn() {
        return !failed && !destroyed && messageIndex < XX.length && (messageIndex % 2 == 0) == initiator;
    }

    /**
     * @return whether all three messages have been written or read successfully
     */
    public boolean isComplete() {
        return handshakeHash != null;
    }

    /**
     * The peer's static public key, available once the message carrying it has been verified
     * (initiator: after reading message 2; responder: after reading message 3).
     *
     * @return a copy of the 32-byte key
     * @throws IllegalStateException if not yet known
     */
    public byte[] remoteStaticKey() {
        if (remoteStatic == null || failed) {
            throw new IllegalStateException("remote static key not known yet");
        }
        return remoteStatic.clone();
    }

    /**
     * The final handshake hash {@code h}: identical on both sides, unique per session, usable for
     * channel binding (e.g. signing it proves presence in this very session).
     *
     * @return a copy of the 32-byte hash
     * @throws IllegalStateException if the handshake is not complete
     */
    public byte[] handshakeHash() {
        if (handshakeHash == null) {
            throw new IllegalStateException("handshake not complete");
        }
        return handshakeHash.clone();
    }

    /**
     * Noise Split(): derives the transport ciphers and wipes the chaining key. Allowed once.
     *
     * @return the sender and receiver cipher states for this side
     * @throws IllegalStateException if the handshake is not complete, was already split, or was
     *     destroyed
     */
    public NoiseTransport split() {
        if (handshakeHash == null) {
            throw new IllegalStateException("handshake not complete");
        }
        if (split || destroyed) {
            throw new IllegalStateException(split ? "handshake already split" : "handshake destroyed");
        }
        CipherState[] c = symmetric.split();
        symmetric.destroy();
        split = true;
        return initiator ? new NoiseTransport(c[0], c[1]) : new NoiseTransport(c[1], c[0]);
    }

    /**
     * Wipes the ephemeral private key, the chaining key and the handshake cipher key. Does not touch
     * the local static key pair or transport ciphers already obtained from {@link #split()}.
     * Idempotent.
     */
    public void destroy() {
        destroyed = true;
        wipeSecrets();
    }

    private void checkTurn(boolean write) throws NoiseException {
        if (destroyed) {
            throw new NoiseException("handshake has been destroyed");
        }
        if (failed) {
            throw new NoiseException("handshake already failed");
        }
        if (messageIndex >= XX.length) {
            throw new NoiseException(write ? "handshake already complete" : "unexpected handshake message: handshake already complete");
        }
        if (isWriteTurn() != write) {
            throw new NoiseException(write ? "not this side's turn to write a handshake message"
                    : "unexpected handshake message: this side must write next");
        }
    }

    /** Bytes a message needs besides its payload, given whether the handshake cipher is keyed now. */
    private int overhead(Token[] tokens) {
        boolean keyed = symmetric.hasKey();
        int size = 0;
        for (Token token : tokens) {
            switch (token) {
                case E -> size += DHLEN;
                case S -> size += DHLEN + (keyed ? CipherState.TAG_LENGTH : 0);
                default -> keyed = true;
            }
        }
        return size + (keyed ? CipherState.TAG_LENGTH : 0);
    }

    private void mixDh(Token token) throws NoiseException {
        try {
            switch (token) {
                case EE -> localEphemeral.dh(remoteEphemeral, dhOutput);
                case ES -> {
                    if (initiator) {
                        localEphemeral.dh(remoteStatic, dhOutput);
                    } else {
                        staticEphemeral(dhOutput);
                    }
                }
                case SE -> {
                    if (initiator) {
                        staticEphemeral(dhOutput);
                    } else {
                        localEphemeral.dh(remoteStatic, dhOutput);
                    }
                }
                default -> throw new IllegalStateException("not a DH token: " + token);
            }
            symmetric.mixKey(dhOutput);
        } finally {
            Arrays.fill(dhOutput, (byte) 0);
        }
    }

    /** DH(s, re): the one computed ahead, if it was started, else here. */
    private void staticEphemeral(byte[] out) throws NoiseException {
        if (staticEphemeralDh != null) {
            AheadDh ahead = staticEphemeralDh;
            staticEphemeralDh = null;
            ahead.takeInto(out);
        } else {
            localStatic.dh(remoteEphemeral, out);
        }
    }

    private void advance() {
        messageIndex++;
        if (messageIndex == 2) {
            firstPayload = null;
        }
        if (messageIndex == XX.length) {
            handshakeHash = symmetric.handshakeHash();
            if (localEphemeral != null) {
                localEphemeral.destroy();
            }
        }
    }

    private void fail() {
        failed = true;
        remoteStatic = null;
        wipeSecrets();
    }

    private void wipeSecrets() {
        if (staticEphemeralDh != null) {
            staticEphemeralDh.abandon();
            staticEphemeralDh = null;
        }
        if (localEphemeral != null) {
            localEphemeral.destroy();
        }
        Arrays.fill(dhOutput, (byte) 0);
        symmetric.destroy();
    }

    @Override
    public String toString() {
        String state = destroyed ? "destroyed" : failed ? "failed" : isComplete() ? "complete"
                : "message " + (messageIndex + 1) + "/" + XX.length + (isWriteTurn() ? ", to write" : ", to read");
        return "NoiseHandshake[" + (initiator ? "initiator" : "responder") + ", " + state + "]";
    }
}
