package io.librats.stun;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.metrics.RatsMetrics;
import io.librats.testsupport.CoturnServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The STUN client against a real coturn on loopback (UDP, TCP, IPv6 on ::1) and against sockets that stay silent or
 * answer garbage: the retransmission schedule is exact and bad input is counted and dropped.
 */
class StunClientTest {

	private static final StunTimers FAST = new StunTimers(Duration.ofMillis(50), 4, 4, Duration.ofSeconds(5));

	private static CoturnServer coturn;

	private static EventLoopGroup group;

	private final RatsMetrics metrics = new RatsMetrics();

	@BeforeAll
	static void startCoturn() throws Exception {
		group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		coturn = CoturnServer.builder().listeningIps("127.0.0.1", "127.0.0.2", "::1").start();
	}

	@AfterAll
	static void stopCoturn() {
		if (coturn != null) {
			coturn.close();
		}
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private static StunMessage binding() {
		return StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).fingerprint().build();
	}

	@Test
	void bindingOverUdpLearnsOurAddressAndTheServersOtherAddress() throws Exception {
		try (StunClient client = StunClient.udp(group, new InetSocketAddress("127.0.0.1", 0), FAST, this.metrics).get()) {
			StunResponse response = client.request(binding(), coturn.address()).get(5, TimeUnit.SECONDS);
			StunMessage success = response.requireSuccess();
			assertThat(success.mappedAddress()).contains(client.localAddress());
			assertThat(success.address(StunAttribute.OTHER_ADDRESS)).hasValueSatisfying((other) -> {
				assertThat(other.getAddress().getHostAddress()).isEqualTo("127.0.0.2");
				assertThat(other.getPort()).isEqualTo(coturn.altPort());
			});
			assertThat(success.address(StunAttribute.RESPONSE_ORIGIN)).contains(coturn.address());
			assertThat(this.metrics.get(StunMetrics.RETRANSMISSIONS)).isZero();
		}
	}

	@Test
	void bindingOverTcp() throws Exception {
		Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
		try (StunClient client = StunClient.tcp(bootstrap, coturn.address(), FAST, this.metrics).get(5, TimeUnit.SECONDS)) {
			StunMessage success = client.request(binding(), coturn.address()).get(5, TimeUnit.SECONDS).requireSuccess();
			assertThat(success.mappedAddress()).contains(client.localAddress());
			assertThat(client.isDatagram()).isFalse();
		}
	}

	@Test
	void bindingOverIpv6ToCoturnOnLoopback() throws Exception {
		InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("::1"), coturn.port());
		try (StunClient client = StunClient.udp(group, new InetSocketAddress(InetAddress.getByName("::1"), 0), FAST,
				this.metrics).get()) {
			StunMessage success = client.request(binding(), server).get(5, TimeUnit.SECONDS).requireSuccess();
			InetSocketAddress mapped = success.mappedAddress().orElseThrow();
			assertThat(mapped.getAddress()).isEqualTo(InetAddress.getByName("::1"));
			assertThat(mapped.getPort()).isEqualTo(client.localAddress().getPort());
		}
	}

	@Test
	void retransmitsExactlyOnScheduleAgainstASilentServer() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
				StunClient client = StunClient.udp(group, new InetSocketAddress("127.0.0.1", 0), FAST, this.metrics).get()) {
			AtomicInteger received = new AtomicInteger();
			Thread counter = countDatagrams(silent, received);
			long started = System.nanoTime();
			CompletableFuture<StunResponse> result = client.request(binding(),
					new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()));
			assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(StunTimeoutException.class);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			// Sends at 0, 50, 150, 350 ms; failure 4 x 50 ms after the last: 550 ms.
			assertThat(took).isGreaterThanOrEqualTo(FAST.udpTransactionTime().minusMillis(5));
			assertThat(FAST.udpTransactionTime()).isEqualTo(Duration.ofMillis(550));
			assertThat(took).isLessThan(Duration.ofSeconds(5));
			silent.close();
			counter.join(5000);
			assertThat(received.get()).isEqualTo(4);
			assertThat(this.metrics.get(StunMetrics.RETRANSMISSIONS)).isEqualTo(3);
			assertThat(this.metrics.get(StunMetrics.TIMEOUTS)).isEqualTo(1);
		}
	}

	@Test
	void limitCutsTheSchedule() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
				StunClient client = StunClient.udp(group, new InetSocketAddress("127.0.0.1", 0), StunTimers.DEFAULTS,
						this.metrics).get()) {
			long started = System.nanoTime();
			CompletableFuture<StunResponse> result = client.request(binding(),
					new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), Duration.ofMillis(300));
			assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StunTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
	}

	@Test
	void garbageAndUnmatchedResponsesAreDroppedAndCounted() throws Exception {
		try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
				StunClient client = StunClient.udp(group, new InetSocketAddress("127.0.0.1", 0), FAST, this.metrics).get()) {
			StunMessage request = binding();
			CompletableFuture<StunResponse> result = client.request(request,
					new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
			DatagramPacket packet = receive(server);
			InetSocketAddress back = (InetSocketAddress) packet.getSocketAddress();
			byte[] truncated = StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, request.transactionId())
				.xorAddress(StunAttribute.XOR_MAPPED_ADDRESS, back).build().toBytes();
			reply(server, new byte[] { 1, 2, 3 }, back);
			reply(server, java.util.Arrays.copyOf(truncated, truncated.length - 2), back);
			reply(server, StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE).build().toBytes(), back);
			reply(server, truncated, back);
			StunResponse response = result.get(5, TimeUnit.SECONDS);
			assertThat(response.requireSuccess().mappedAddress()).contains(back);
			assertThat(this.metrics.get(StunMetrics.MALFORMED)).isEqualTo(2);
			assertThat(this.metrics.get(StunMetrics.UNMATCHED)).isEqualTo(1);
		}
	}

	@Test
	void responseWithUnknownComprehensionRequiredAttributeFailsTheTransaction() throws Exception {
		try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
				StunClient client = StunClient.udp(group, new InetSocketAddress("127.0.0.1", 0), FAST, this.metrics).get()) {
			StunMessage request = binding();
			CompletableFuture<StunResponse> result = client.request(request,
					new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
			DatagramPacket packet = receive(server);
			reply(server, StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, request.transactionId())
				.add(0x7ff0, new byte[4]).build().toBytes(), (InetSocketAddress) packet.getSocketAddress());
			assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StunException.class)
				.hasMessageContaining("0x7ff0");
		}
	}

	/** The client's request as the server socket gets it, waiting at most 5 s. */
	private static DatagramPacket receive(DatagramSocket server) throws java.io.IOException {
		server.setSoTimeout(5000);
		DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
		server.receive(packet);
		return packet;
	}

	private static void reply(DatagramSocket socket, byte[] bytes, InetSocketAddress to) throws Exception {
		socket.send(new DatagramPacket(bytes, bytes.length, to));
	}

	private static Thread countDatagrams(DatagramSocket socket, AtomicInteger count) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[1500];
			try {
				socket.setSoTimeout(10_000);
				while (!socket.isClosed()) {
					socket.receive(new DatagramPacket(buffer, buffer.length));
					count.incrementAndGet();
				}
			}
			catch (SocketTimeoutException ex) {
				// bounded
			}
			catch (java.io.IOException ex) {
				// closed by the test
			}
		}, "silent-server");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
