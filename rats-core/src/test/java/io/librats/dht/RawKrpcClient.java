package io.librats.dht;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Map;

/** A bare UDP socket speaking (or not) KRPC, for sending a node exactly the bytes a test wants. */
final class RawKrpcClient implements AutoCloseable {

	private final DatagramSocket socket;

	RawKrpcClient(String bindAddress) throws IOException {
		this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
		this.socket.setSoTimeout(5000);
	}

	InetSocketAddress address() {
		return (InetSocketAddress) this.socket.getLocalSocketAddress();
	}

	void send(byte[] data, InetSocketAddress to) throws IOException {
		this.socket.send(new DatagramPacket(data, data.length, to));
	}

	/** The next datagram, or {@code null} after the socket timeout. */
	byte[] receive() throws IOException {
		byte[] buffer = new byte[4096];
		DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
		try {
			this.socket.receive(packet);
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
		return java.util.Arrays.copyOf(buffer, packet.getLength());
	}

	/** Sends a query and returns the decoded answer (response or error), or {@code null} without one in time. */
	Krpc.Message query(InetSocketAddress to, String method, Map<String, Object> args) throws Exception {
		byte[] tid = { (byte) 0x12, (byte) 0x34 };
		send(Krpc.query(tid, method, args, false, null), to);
		for (int i = 0; i < 10; i++) { // skip the node's own queries (it pings back unknown queriers)
			byte[] answer = receive();
			if (answer == null) {
				return null;
			}
			Krpc.Message message = Krpc.decode(answer);
			if (!(message instanceof Krpc.Query)) {
				return message;
			}
		}
		return null;
	}

	void timeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	@Override
	public void close() {
		this.socket.close();
	}

}
