package io.librats.dht;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** BEP 32: nodes on {@code ::1} exchange {@code nodes6} and find each other's announce over IPv6. */
class DhtIpv6Test {

	private final DhtTestNetwork network = new DhtTestNetwork(1);

	@AfterEach
	void close() {
		this.network.close();
	}

	@Test
	void twoNodesOnIpv6LoopbackFindEachOthersAnnounce() throws Exception {
		assertThat(NetworkInterface.getByInetAddress(InetAddress.getByName("::1")))
			.as("this machine has IPv6 loopback").isNotNull();
		// nodes share ::1, so more than one per IP must be allowed in routing tables
		DhtConfig.Builder base = DhtTestNetwork.config("::1").restrictRoutingIps(false);
		DhtNode a = this.network.start(base.build());
		DhtNode b = this.network.start(base.addBootstrap("[::1]:" + a.port()).build());
		DhtNode c = this.network.start(DhtTestNetwork.config("::1").restrictRoutingIps(false)
			.addBootstrap("[::1]:" + a.port())
			.build());
		assertThat(a.localAddress().getAddress()).isInstanceOf(Inet6Address.class);
		// c learns b only from a's nodes6
		await().atMost(Duration.ofSeconds(30)).until(() -> a.stats().nodes() == 2 && b.stats().nodes() == 2
				&& c.stats().nodes() == 2);

		byte[] fromB = NodeId.random().toBytes();
		byte[] fromC = NodeId.random().toBytes();
		assertThat(b.announce(fromB, 7400).get()).isGreaterThanOrEqualTo(1);
		assertThat(c.announce(fromC, 7500).get()).isGreaterThanOrEqualTo(1);
		List<InetSocketAddress> peersOfB = c.findPeers(fromB).get();
		List<InetSocketAddress> peersOfC = b.findPeers(fromC).get();
		assertThat(peersOfB).containsExactly(new InetSocketAddress("::1", 7400));
		assertThat(peersOfC).containsExactly(new InetSocketAddress("::1", 7500));
		assertThat(peersOfB.get(0).getAddress()).isInstanceOf(Inet6Address.class);
	}

}
