package io.librats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between a node and the node it dials, for tests that need to see, corrupt, stall or cut
 * the bytes on the wire. Each relayed byte passes through {@link Tamper}; {@link #stall()} stops forwarding while
 * keeping both sockets open (a silent peer), {@link #cut()} resets every connection (a crashed peer).
 */
public final class TcpRelay implements AutoCloseable {

	/** Sees every chunk in one direction; may change it in place. {@code offset} counts bytes of that direction. */
	@FunctionalInterface
	public interface Tamper {

		void onChunk(boolean towardTarget, long offset, byte[] chunk, int length);

	}

	private final ServerSocket server;

	private final int targetPort;

	private final Tamper tamper;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private volatile boolean stalled;

	public TcpRelay(int targetPort, Tamper tamper) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		this.tamper = tamper;
		start("relay-accept", this::acceptLoop);
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public void stall() {
		this.stalled = true;
	}

	/** Closes every relayed connection with a reset, as a killed process would. */
	public void cut() {
		for (Socket socket : this.sockets) {
			try {
				socket.setSoLinger(true, 0);
				socket.close();
			}
			catch (IOException ex) {
				// already closed
			}
		}
	}

	private void start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void acceptLoop() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.sockets.add(client);
				this.sockets.add(target);
				start("relay-up", () -> pump(client, target, true));
				start("relay-down", () -> pump(target, client, false));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void pump(Socket from, Socket to, boolean towardTarget) {
		byte[] buffer = new byte[16384];
		long offset = 0;
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				if (this.stalled) {
					continue;
				}
				this.tamper.onChunk(towardTarget, offset, buffer, n);
				offset += n;
				out.write(buffer, 0, n);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side went away; closing the pair ends the other pump too
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		cut();
		for (Thread thread : this.threads) {
			try {
				thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** A tamper that changes nothing. */
	public static Tamper passThrough() {
		return (towardTarget, offset, chunk, length) -> {
		};
	}


}
