package io.librats.testsupport.netns;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A tiny child process for checking a lab's wiring. {@code server ADDRESS}: binds UDP on an ephemeral port, prints
 * {@code LISTENING <port>} and echoes datagrams until killed. {@code client HOST PORT}: sends one datagram and
 * prints {@code ECHO <text> FROM <address>} or {@code TIMEOUT}.
 */
public final class UdpEchoMain {

	private UdpEchoMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args[0].equals("server")) {
			try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[1]), 0))) {
				System.out.println("LISTENING " + socket.getLocalPort());
				byte[] buffer = new byte[1500];
				while (true) {
					DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
					socket.receive(packet);
					socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
				}
			}
		}
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout(5000);
			byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
			socket.send(new DatagramPacket(hello, hello.length,
					new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]))));
			DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
			try {
				socket.receive(answer);
				System.out.println("ECHO " + new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII)
						+ " FROM " + answer.getAddress().getHostAddress());
			}
			catch (java.net.SocketTimeoutException ex) {
				System.out.println("TIMEOUT");
			}
		}
	}

}
