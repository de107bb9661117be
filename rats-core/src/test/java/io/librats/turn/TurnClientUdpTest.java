package io.librats.turn;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.librats.metrics.RatsMetrics;
import io.librats.stun.StunClient;
import io.librats.stun.StunTimers;
import io.librats.testsupport.CoturnServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * UDP allocations on a real coturn (loopback peers allowed): the 401 dance, permissions, Send/Data indications,
 * channels with ChannelData both ways, refresh past twice the allocation lifetime, 438 Stale Nonce, deallocation.
 */
class TurnClientUdpTest {

	private static final StunTimers FAST = new StunTimers(Duration.ofMillis(100), 5, 4, Duration.ofSeconds(5));

	private static CoturnServer coturn;

	/** Short allocation lifetime and nonce lifetime so refresh and stale nonces happen within seconds. */
	private static CoturnServer shortLived;

	private static EventLoopGroup group;

	private final RatsMetrics metrics = new RatsMetrics();

	private TurnClient client;

	private DatagramSocket peer;

	@BeforeAll
	static void startCoturn() throws Exception {
		group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		coturn = CoturnServer.builder().listeningIps("127.0.0.1").start();
		shortLived = CoturnServer.builder()
			.listeningIps("127.0.0.1")
			.maxAllocateLifetime(Duration.ofSeconds(4))
			.staleNonce(Duration.ofSeconds(2))
			.start();
	}

	@AfterAll
	static void stopCoturn() {
		if (coturn != null) {
			coturn.close();
		}
		if (shortLived != null) {
			shortLived.close();
		}
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.peer != null) {
			this.peer.close();
		}
	}

	private TurnClient newClient(CoturnServer server, InetSocketAddress local) throws Exception {
		StunClient stun = StunClient.udp(group, local, FAST, this.metrics).get(5, TimeUnit.SECONDS);
		return new TurnClient(stun, server.address(), CoturnServer.USER, CoturnServer.PASSWORD, 0.5, Duration.ofMinutes(5),
				this.metrics);
	}

	@Test
	void dataFlowsBothWaysThroughIndicationsAndChannels() throws Exception {
		this.client = newClient(coturn, new InetSocketAddress("127.0.0.1", 0));
		ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
		this.client.onData((from, data) -> received.add(from.getPort() + ":" + new String(data, StandardCharsets.UTF_8)));
		InetSocketAddress relayed = this.client.allocate(TurnClient.UDP).get(5, TimeUnit.SECONDS);
		assertThat(relayed.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(this.client.mappedAddress()).isEqualTo(this.client.stun().localAddress());
		assertThat(this.client.lifetime()).isEqualTo(Duration.ofMinutes(10));

		this.peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
		this.peer.setSoTimeout(5000);
		InetSocketAddress peerAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), this.peer.getLocalPort());
		this.client.createPermission(List.of(peerAddress.getAddress())).get(5, TimeUnit.SECONDS);

		this.client.send(peerAddress, "by-indication".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
		DatagramPacket packet = receive();
		assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)).isEqualTo("by-indication");
		assertThat(packet.getSocketAddress()).isEqualTo(relayed);
		reply(relayed, "data-indication");
		await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(peerAddress.getPort() + ":data-indication"));

		int channel = this.client.bindChannel(peerAddress).get(5, TimeUnit.SECONDS);
		assertThat(channel).isBetween(0x4000, 0x4FFF);
		this.client.send(peerAddress, "by-channel".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
		packet = receive();
		assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)).isEqualTo("by-channel");
		reply(relayed, "channel-data");
		await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(peerAddress.getPort() + ":channel-data"));
		assertThat(this.metrics.get(TurnMetrics.DROPPED)).isZero();
	}

	@Test
	void refreshKeepsTheAllocationPastTwiceItsLifetimeAndStaleNoncesAreRetried() throws Exception {
		this.client = newClient(shortLived, new InetSocketAddress("127.0.0.1", 0));
		InetSocketAddress relayed = this.client.allocate(TurnClient.UDP).get(5, TimeUnit.SECONDS);
		assertThat(this.client.lifetime()).isEqualTo(Duration.ofSeconds(4));
		long started = System.nanoTime();
		// Lifetime 4 s, refreshed every 2 s; the nonce goes stale after 2 s, so refreshes meet 438 and retry.
		await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - started > TimeUnit.SECONDS.toNanos(9)
				&& this.client.refreshCount() >= 3);
		assertThat(this.metrics.get(TurnMetrics.STALE_NONCE)).isPositive();
		assertThat(this.metrics.get(TurnMetrics.REFRESH_FAILURES)).isZero();
		this.peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
		this.peer.setSoTimeout(5000);
		InetSocketAddress peerAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), this.peer.getLocalPort());
		this.client.createPermission(List.of(peerAddress.getAddress())).get(5, TimeUnit.SECONDS);
		this.client.send(peerAddress, "still-alive".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
		DatagramPacket packet = receive();
		assertThat(packet.getSocketAddress()).isEqualTo(relayed);
	}

	@Test
	void deallocationFreesTheFiveTuple() throws Exception {
		this.client = newClient(coturn, new InetSocketAddress("127.0.0.1", 0));
		this.client.allocate(TurnClient.UDP).get(5, TimeUnit.SECONDS);
		InetSocketAddress local = this.client.stun().localAddress();
		this.client.deallocate().get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.client.stun().isOpen());
		assertThat(coturn.log()).containsPattern("refreshed, realm=<rats.test>, username=<rats>, lifetime=0");
		// The same 5-tuple can allocate again only once the server dropped the first allocation (a 600 s one): until
		// then it answers 437. coturn drops it on its next timer tick.
		this.client = newClient(coturn, local);
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
			.until(() -> this.client.allocate(TurnClient.UDP).get(2, TimeUnit.SECONDS) != null);
	}

	private DatagramPacket receive() throws Exception {
		DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
		this.peer.receive(packet);
		return packet;
	}

	private void reply(InetSocketAddress to, String text) throws Exception {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		this.peer.send(new DatagramPacket(bytes, bytes.length, to));
	}

}
