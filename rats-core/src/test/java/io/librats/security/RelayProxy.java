package io.librats.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 for one connection: the dialer connects to {@link #port()}, the relay connects to the
 * target port on 127.0.0.1 and copies bytes both ways on two threads, recording everything it forwards. When either
 * side closes, both are closed.
 *
 * <p>With a {@link Tamper} the dialer-to-target direction is parsed as the rats wire format (8-byte preamble, two
 * length-prefixed Noise handshake messages, then length-prefixed Noise transport messages) and forwarded whole unit
 * by unit, so a test can flip a byte in, or replay, one chosen message. A tampered handshake message is held back
 * and written together with the next unit, so the target receives both in one read.
 */
final class RelayProxy implements AutoCloseable {

	/** What to do to the dialer's outbound stream. */
	record Tamper(Kind kind, Phase phase, int index, int offset) {

		enum Kind { FLIP, DUPLICATE }

		enum Phase { HANDSHAKE, TRANSPORT }

		/** Flips the lowest bit of byte {@code offset} (after the length prefix) of message {@code index}. */
		static Tamper flip(Phase phase, int index, int offset) {
			return new Tamper(Kind.FLIP, phase, index, offset);
		}

		/** Sends transport message {@code index} twice. */
		static Tamper duplicate(int index) {
			return new Tamper(Kind.DUPLICATE, Phase.TRANSPORT, index, 0);
		}

	}

	private final ServerSocket server;

	private final int targetPort;

	private final Tamper tamper;

	private final ByteArrayOutputStream dialerToTarget = new ByteArrayOutputStream();

	private final ByteArrayOutputStream targetToDialer = new ByteArrayOutputStream();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean tampered;

	RelayProxy(int targetPort, Tamper tamper) throws IOException {
		this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		this.tamper = tamper;
		Thread acceptor = new Thread(this::acceptOne, "relay-accept");
		acceptor.setDaemon(true);
		this.threads.add(acceptor);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** Whether the tamper action was applied. */
	boolean tampered() {
		return this.tampered;
	}

	/** Whether the relay still has a connection open on either side. */
	boolean isRelaying() {
		return this.sockets.stream().anyMatch((socket) -> !socket.isClosed());
	}

	/** Everything forwarded so far, both directions, concatenated. */
	byte[] recorded() {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		synchronized (this.dialerToTarget) {
			all.writeBytes(this.dialerToTarget.toByteArray());
		}
		synchronized (this.targetToDialer) {
			all.writeBytes(this.targetToDialer.toByteArray());
		}
		return all.toByteArray();
	}

	private void acceptOne() {
		try {
			Socket dialer = this.server.accept();
			this.sockets.add(dialer);
			// One connection per relay: a reconnecting node gets "connection refused", not a second relay.
			this.server.close();
			Socket target = new Socket();
			this.sockets.add(target);
			target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
			dialer.setTcpNoDelay(true);
			target.setTcpNoDelay(true);
			Thread up = new Thread(() -> pump(dialer, target, this.dialerToTarget, this.tamper), "relay-up");
			Thread down = new Thread(() -> pump(target, dialer, this.targetToDialer, null), "relay-down");
			up.setDaemon(true);
			down.setDaemon(true);
			synchronized (this.threads) {
				this.threads.add(up);
				this.threads.add(down);
			}
			up.start();
			down.start();
		}
		catch (IOException ex) {
			closeSockets();
		}
	}

	private void pump(Socket from, Socket to, ByteArrayOutputStream record, Tamper tamper) {
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			if (tamper == null) {
				byte[] buffer = new byte[8192];
				int n;
				while ((n = in.read(buffer)) >= 0) {
					forward(out, record, buffer, 0, n);
				}
			}
			else {
				pumpParsed(in, out, record, tamper);
			}
		}
		catch (IOException ex) {
			// Either side went away: the relay ends.
		}
		finally {
			closeSockets();
		}
	}

	/** Forwards unit by unit: preamble, handshake messages, transport messages; applies the tamper once. */
	private void pumpParsed(InputStream in, OutputStream out, ByteArrayOutputStream record, Tamper tamper)
			throws IOException {
		byte[] preamble = in.readNBytes(8);
		forward(out, record, preamble, 0, preamble.length);
		if (preamble.length < 8) {
			return;
		}
		int handshakeMessages = 0;
		int transportMessages = 0;
		byte[] held = null;
		while (true) {
			byte[] prefix = in.readNBytes(2);
			if (prefix.length < 2) {
				if (held != null) {
					forward(out, record, held, 0, held.length);
				}
				forward(out, record, prefix, 0, prefix.length);
				return;
			}
			int length = ((prefix[0] & 0xff) << 8) | (prefix[1] & 0xff);
			byte[] unit = new byte[2 + length];
			unit[0] = prefix[0];
			unit[1] = prefix[1];
			int read = in.readNBytes(unit, 2, length);
			// The dialer (initiator) writes handshake messages 1 and 3; everything after is transport.
			boolean handshake = handshakeMessages < 2;
			int index = handshake ? handshakeMessages++ : transportMessages++;
			boolean target = (tamper.phase() == Tamper.Phase.HANDSHAKE) == handshake && tamper.index() == index;
			if (target && tamper.kind() == Tamper.Kind.FLIP) {
				unit[2 + tamper.offset()] ^= 0x01;
				this.tampered = true;
				if (handshake) {
					// Hold the tampered handshake message and send it in one write with what follows (the dialer's
					// HELLO), so the target reads both at once: deterministic, and the harder case for the target.
					held = Arrays.copyOf(unit, 2 + read);
					if (read < length) {
						forward(out, record, held, 0, held.length);
						return;
					}
					continue;
				}
			}
			if (held != null) {
				byte[] both = Arrays.copyOf(held, held.length + 2 + read);
				System.arraycopy(unit, 0, both, held.length, 2 + read);
				held = null;
				forward(out, record, both, 0, both.length);
			}
			else {
				forward(out, record, unit, 0, 2 + read);
			}
			if (target && tamper.kind() == Tamper.Kind.DUPLICATE) {
				forward(out, record, unit, 0, 2 + read);
				this.tampered = true;
			}
			if (read < length) {
				return;
			}
		}
	}

	private static void forward(OutputStream out, ByteArrayOutputStream record, byte[] bytes, int offset, int length)
			throws IOException {
		synchronized (record) {
			record.write(bytes, offset, length);
		}
		out.write(bytes, offset, length);
		out.flush();
	}

	private void closeSockets() {
		for (Socket socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

	@Override
	public void close() throws Exception {
		this.server.close();
		closeSockets();
		List<Thread> all;
		synchronized (this.threads) {
			all = List.copyOf(this.threads);
		}
		for (Thread thread : all) {
			thread.join(TimeUnit.SECONDS.toMillis(5));
		}
	}

}
