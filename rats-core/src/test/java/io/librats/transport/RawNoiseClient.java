package io.librats.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.librats.identity.PeerIds;
import io.librats.noise.AeadImplementation;
import io.librats.noise.CipherState;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseException;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseKeyPair;
import io.librats.noise.NoiseTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * A hand-driven rats peer on a plain blocking {@link Socket}, for tests that must speak the wire protocol wrongly on
 * purpose: it sends the preamble, runs Noise XX with its own static key through the public {@link NoiseHandshake}
 * API, and then writes and reads rats frames inside Noise transport messages exactly as the node's pipeline frames
 * them (2-byte length, ciphertext with its 16-byte tag; inside: 4-byte length, type, body). Loopback only.
 */
public final class RawNoiseClient implements AutoCloseable {

	/** A rats frame as read back from the node. */
	public record RawFrame(byte type, byte[] body) {
	}

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final NoiseKeyPair staticKey;

	private CipherState sender;

	private CipherState receiver;

	private byte[] remoteStaticKey;

	/** Plaintext received but not yet returned as frames. */
	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private RawNoiseClient(Socket socket, NoiseKeyPair staticKey) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.staticKey = staticKey;
	}

	/** Connects to {@code 127.0.0.1:port}; reads block at most {@code readTimeout}. */
	public static RawNoiseClient connect(int port, NoiseKeyPair staticKey, Duration readTimeout) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setSoTimeout((int) readTimeout.toMillis());
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) readTimeout.toMillis());
			return new RawNoiseClient(socket, staticKey);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/** The 8-byte preamble this client sends: it speaks ChaCha20-Poly1305 only, so it never offers AES-GCM. */
	public static byte[] preambleBytes(boolean encrypted) {
		return preambleBytes(encrypted, false);
	}

	/** The 8-byte preamble a node with default settings sends on this JVM. */
	public static byte[] nodePreambleBytes() {
		return preambleBytes(true, NoiseCipher.hardwareAesGcm());
	}

	private static byte[] preambleBytes(boolean encrypted, boolean offerAesGcm) {
		ByteBuf buf = Preamble.encode(UnpooledByteBufAllocator.DEFAULT, encrypted, offerAesGcm);
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	/** The Noise prologue a node with {@code protocolId} expects. */
	public static byte[] prologue(String protocolId) {
		return Preamble.prologue(protocolId);
	}

	public Socket socket() {
		return this.socket;
	}

	public String peerId() {
		return PeerIds.fromPublicKey(this.staticKey.publicKey());
	}

	/** The peer id the node's authenticated static key derives, known after {@link #handshake}. */
	public String remotePeerId() {
		return PeerIds.fromPublicKey(this.remoteStaticKey);
	}

	public void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Sends our preamble and reads (and checks) the node's. */
	public void exchangePreambles() throws IOException {
		exchangePreambles(preambleBytes(true));
	}

	/** Sends {@code ours} as our preamble, whatever it says, and reads (and checks) the node's. */
	public void exchangePreambles(byte[] ours) throws IOException {
		write(ours);
		byte[] theirs = new byte[Preamble.LENGTH];
		this.in.readFully(theirs);
		if (!new String(theirs, 0, 4, StandardCharsets.US_ASCII).equals("RATS")) {
			throw new IOException("node sent no rats preamble");
		}
	}

	/** Runs Noise XX as the initiator with the prologue of {@code protocolId}; afterwards frames can flow. */
	public void handshake(String protocolId) throws IOException, NoiseException {
		NoiseHandshake handshake = NoiseHandshake.initiator(this.staticKey, prologue(protocolId),
				AeadImplementation.BOUNCY_CASTLE);
		try {
			writeHandshakeMessage(handshake.writeMessage(null));
			handshake.readMessage(readHandshakeMessage());
			writeHandshakeMessage(handshake.writeMessage(null));
			this.remoteStaticKey = handshake.remoteStaticKey();
			NoiseTransport transport = handshake.split();
			this.sender = transport.sender();
			this.receiver = transport.receiver();
		}
		finally {
			handshake.destroy();
		}
	}

	private void writeHandshakeMessage(byte[] message) throws IOException {
		byte[] framed = new byte[2 + message.length];
		framed[0] = (byte) (message.length >>> 8);
		framed[1] = (byte) message.length;
		System.arraycopy(message, 0, framed, 2, message.length);
		write(framed);
	}

	private byte[] readHandshakeMessage() throws IOException {
		byte[] message = new byte[this.in.readUnsignedShort()];
		this.in.readFully(message);
		return message;
	}

	/** Encrypts {@code plaintext} (any bytes, normally whole frames) as one Noise transport message and sends it. */
	public void sendEncrypted(byte[] plaintext) throws IOException, NoiseException {
		write(encrypt(plaintext));
	}

	/** One Noise transport message on the wire: 2-byte length, ciphertext and tag. */
	public byte[] encrypt(byte[] plaintext) throws NoiseException {
		byte[] message = new byte[2 + plaintext.length + CipherState.TAG_LENGTH];
		int written = this.sender.encryptWithAd(null, plaintext, 0, plaintext.length, message, 2);
		message[0] = (byte) (written >>> 8);
		message[1] = (byte) written;
		return message;
	}

	/** A complete rats frame: 4-byte length (type plus body), type, body. */
	public static byte[] frame(byte type, byte[] body) {
		return frameWithLength(body.length + 1, type, body);
	}

	/** A frame whose length field says {@code lengthField}, whatever the body really is. */
	public static byte[] frameWithLength(int lengthField, byte type, byte[] body) {
		byte[] frame = new byte[5 + body.length];
		frame[0] = (byte) (lengthField >>> 24);
		frame[1] = (byte) (lengthField >>> 16);
		frame[2] = (byte) (lengthField >>> 8);
		frame[3] = (byte) lengthField;
		frame[4] = type;
		System.arraycopy(body, 0, frame, 5, body.length);
		return frame;
	}

	/** A HELLO frame claiming {@code claimedPeerId}, encoded by the node's own {@link Hello#encode}. */
	public static byte[] helloFrame(String protocolId, String claimedPeerId, int listenPort, long nonce) {
		ByteBuf buf = new Hello(Hello.VERSION, protocolId, claimedPeerId, listenPort, 0L, nonce)
			.encode(UnpooledByteBufAllocator.DEFAULT);
		try {
			return ByteBufUtil.getBytes(buf);
		}
		finally {
			buf.release();
		}
	}

	/** A MESSAGE frame body without request flags: flags 0, type length, type, JSON. */
	public static byte[] messageFrame(String type, String json) {
		byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
		byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[2 + typeBytes.length + jsonBytes.length];
		body[0] = 0;
		body[1] = (byte) typeBytes.length;
		System.arraycopy(typeBytes, 0, body, 2, typeBytes.length);
		System.arraycopy(jsonBytes, 0, body, 2 + typeBytes.length, jsonBytes.length);
		return frame(FrameType.MESSAGE, body);
	}

	/** Reads, decrypts and returns the next frame from the node; fails on EOF or read timeout. */
	public RawFrame readFrame() throws IOException, NoiseException {
		while (true) {
			byte[] buffered = this.pending.toByteArray();
			if (buffered.length >= 5) {
				int length = ((buffered[0] & 0xff) << 24) | ((buffered[1] & 0xff) << 16) | ((buffered[2] & 0xff) << 8)
						| (buffered[3] & 0xff);
				if (buffered.length >= 4 + length) {
					byte[] body = new byte[length - 1];
					System.arraycopy(buffered, 5, body, 0, body.length);
					this.pending.reset();
					this.pending.write(buffered, 4 + length, buffered.length - 4 - length);
					return new RawFrame(buffered[4], body);
				}
			}
			int length = this.in.readUnsignedShort();
			byte[] ciphertext = new byte[length];
			this.in.readFully(ciphertext);
			byte[] plain = new byte[length - CipherState.TAG_LENGTH];
			this.receiver.decryptWithAd(null, ciphertext, 0, length, plain, 0);
			this.pending.write(plain, 0, plain.length);
		}
	}

	/** What a socket received until the node closed it, or until the read timeout passed. */
	public record Drained(boolean closedByPeer, byte[] received) {
	}

	/** Reads until the node closes the connection (EOF or reset), at most for the socket's read timeout. */
	public Drained drainUntilClosed() throws IOException {
		return drainUntilClosed(this.socket);
	}

	/**
	 * Reads until the node closes {@code socket} (EOF or reset), or until its read timeout (set on the socket) passes
	 * without a close, counting from now.
	 */
	public static Drained drainUntilClosed(Socket socket) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[4096];
		long deadline = System.nanoTime() + Duration.ofMillis(socket.getSoTimeout()).toNanos();
		try {
			while (System.nanoTime() - deadline < 0) {
				int n = socket.getInputStream().read(buffer);
				if (n < 0) {
					return new Drained(true, received.toByteArray());
				}
				received.write(buffer, 0, n);
			}
			return new Drained(false, received.toByteArray());
		}
		catch (SocketTimeoutException ex) {
			return new Drained(false, received.toByteArray());
		}
		catch (SocketException ex) {
			// "Connection reset": the node closed while data we sent was still unread.
			return new Drained(true, received.toByteArray());
		}
	}

	@Override
	public void close() throws IOException {
		if (this.sender != null) {
			this.sender.destroy();
		}
		if (this.receiver != null) {
			this.receiver.destroy();
		}
		this.socket.close();
	}

}
