package io.librats.dht;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.subsystem.DiscoveredPeer;
import io.librats.transport.TcpBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two rats nodes that know only a loopback DHT bootstrap node find each other and connect. */
class DhtDiscoveryTest {

	private final DhtTestNetwork network = new DhtTestNetwork(1);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void close() {
		this.nodes.close();
		this.network.close();
	}

	@Test
	void discoveryInfohashIsTheDocumentedString() {
		assertThat(HexFormat.of().formatHex(DhtDiscovery.discoveryInfohash("")))
			.isEqualTo("fddd71a91361b85e1611acc8d5f41f68b8b9e611"); // SHA-1("rats-discovery-v1")
		assertThat(HexFormat.of().formatHex(DhtDiscovery.discoveryInfohash("chat")))
			.isEqualTo("85ebecb66b3ccd420edb2b309c47dacebc765508"); // SHA-1("rats-discovery-v1:chat")
	}

	@Test
	void twoRatsNodesMeetThroughTheDiscoveryInfohash(@TempDir Path stateDir) throws Exception {
		DhtNode bootstrap = this.network.start(DhtTestNetwork.config("127.22.0.1").build());
		DhtConfig.Builder dht = DhtTestNetwork.config("127.22.0.2")
			.addBootstrap(DhtTestNetwork.bootstrapOf(bootstrap))
			.namespace("discovery-test")
			.lookupInterval(Duration.ofSeconds(2))
			.announceInterval(Duration.ofSeconds(30));
		DhtDiscovery discoveryA = new DhtDiscovery(dht.build());
		DhtDiscovery discoveryB = new DhtDiscovery(dht.bindAddress("127.22.0.3").build());

		RatsClient a = this.nodes.create(TestNodes.loopbackConfig().stateDir(stateDir).build(),
				TcpBinding.select(true));
		RatsClient b = this.nodes.create(TestNodes.loopbackConfig().build(), TcpBinding.select(true));
		a.attach(discoveryA);
		b.attach(discoveryB);
		List<DiscoveredPeer> heardByA = new CopyOnWriteArrayList<>();
		List<DiscoveredPeer> heardByB = new CopyOnWriteArrayList<>();
		a.onPeerDiscovered(heardByA::add);
		b.onPeerDiscovered(heardByB::add);
		a.start();
		b.start();
		assertThat(a.services().find(DhtService.class)).containsSame(discoveryA.service().orElseThrow());

		await().atMost(Duration.ofSeconds(60)).until(() -> a.isConnected(b.peerId()) && b.isConnected(a.peerId()));
		List<DiscoveredPeer> heard = new java.util.ArrayList<>(heardByA);
		heard.addAll(heardByB);
		assertThat(heard).isNotEmpty().allSatisfy((peer) -> {
			assertThat(peer.source()).isEqualTo("dht");
			assertThat(peer.peerId()).isNull();
		});
		// nobody reported itself
		assertThat(heardByA).noneMatch((peer) -> peer.port() == a.listenPort());
		assertThat(heardByB).noneMatch((peer) -> peer.port() == b.listenPort());
		assertThat(a.metrics().get(DhtDiscovery.ANNOUNCES) + b.metrics().get(DhtDiscovery.ANNOUNCES)).isPositive();

		a.stop();
		assertThat(a.services().find(DhtService.class)).isEmpty();
		assertThat(Files.exists(stateDir.resolve(DhtStateFile.FILE_NAME))).as("DHT state saved with the node's")
			.isTrue();
	}


	@Test
	void facadeStartsTheDhtOnARunningNodeFindsAndAnnouncesAndStopsIt() throws Exception {
		DhtNode bootstrap = this.network.start(DhtTestNetwork.config("127.22.1.1").build());
		RatsClient a = this.nodes.start();
		RatsClient b = this.nodes.start();
		byte[] infohash = DhtDiscovery.discoveryInfohash("facade-test-app");

		assertThat(a.isDhtRunning()).isFalse();
		assertThat(a.findPeers(infohash)).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("startDhtDiscovery");
		assertThat(a.dhtStats()).isEmpty();

		DhtConfig.Builder dht = DhtTestNetwork.config("127.22.1.2").addBootstrap(DhtTestNetwork.bootstrapOf(bootstrap));
		a.startDhtDiscovery(dht.build());
		b.startDhtDiscovery(dht.bindAddress("127.22.1.3").build());
		assertThat(a.isDhtRunning()).isTrue();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> a.announce(infohash, 4242).join() > 0);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> b.findPeers(infohash).join().stream().anyMatch((peer) -> peer.getPort() == 4242));
		assertThat(a.dhtStats()).hasValueSatisfying((stats) -> assertThat(stats.nodes()).isPositive());

		assertThat(a.stopDhtDiscovery()).isTrue();
		assertThat(a.stopDhtDiscovery()).isFalse();
		assertThat(a.isDhtRunning()).isFalse();
		assertThat(a.announce(infohash, 4242)).failsWithin(Duration.ofSeconds(5));
		// and it can join again on the same running node
		a.startDhtDiscovery(dht.bindAddress("127.22.1.2").build());
		assertThat(a.isDhtRunning()).isTrue();
	}

}
