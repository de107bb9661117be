package io.librats.nat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.config.NatTraversalConfig;
import io.librats.testsupport.CoturnServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The nat subsystem through the RatsClient facade, against coturn on 127.0.0.1 + 127.0.0.2 (RFC 5780): public address
 * discovery and self-dial refusal, NAT behaviour discovery reporting an open internet on loopback, caching, and the
 * failure modes (no subsystem, silent server, server without RFC 5780).
 */
class NatTraversalTest {

	private static CoturnServer coturn;

	private final TestNodes nodes = new TestNodes();

	@BeforeAll
	static void startCoturn() throws Exception {
		coturn = CoturnServer.builder().start();
	}

	@AfterAll
	static void stopCoturn() {
		if (coturn != null) {
			coturn.close();
		}
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	private static NatTraversalConfig.Builder fast(List<String> stunServers) {
		return NatTraversalConfig.builder()
			.stunServers(stunServers)
			.stunRto(Duration.ofMillis(50))
			.stunRequestCount(3)
			.stunLastWaitMultiplier(2)
			.natBehaviorTestTimeout(Duration.ofMillis(500));
	}

	private RatsClient node(NatTraversalConfig nat) {
		return this.nodes.start((b) -> b.natTraversal(nat));
	}

	@Test
	void discoversThePublicAddressAndNeverDialsItself() throws Exception {
		RatsClient node = node(fast(List.of(coturn.stunServer())).build());
		assertThat(node.subsystems()).extracting(io.librats.subsystem.RatsSubsystem::name).contains("nat");
		InetSocketAddress mapped = node.discoverPublicAddress().get(5, TimeUnit.SECONDS);
		assertThat(mapped.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(node.natService().orElseThrow().publicAddress()).contains(mapped);
		assertThat(node.natService().orElseThrow().externalAddress()).contains(mapped.getAddress());
		ConnectionAttemptResult self = node.connectToPeer("127.0.0.1", node.listenPort()).get(5, TimeUnit.SECONDS);
		assertThat(self.success()).isFalse();
		assertThat(self.error()).contains("own public");
		RatsClient other = node(fast(List.of(coturn.stunServer())).build());
		assertThat(node.connectToPeer("127.0.0.1", other.listenPort()).get(10, TimeUnit.SECONDS).success()).isTrue();
	}

	@Test
	void loopbackIsOpenInternetWithEveryBehaviourMeasured() throws Exception {
		RatsClient node = node(fast(List.of(coturn.stunServer())).build());
		NatTypeInfo info = node.getNatCharacteristics().get(10, TimeUnit.SECONDS);
		assertThat(info.natType()).isEqualTo(NatType.OPEN_INTERNET);
		assertThat(info.behindNat()).isFalse();
		assertThat(info.mapping()).isEqualTo(NatBehavior.ENDPOINT_INDEPENDENT);
		assertThat(info.filtering()).isEqualTo(NatBehavior.ENDPOINT_INDEPENDENT);
		assertThat(info.hairpinning()).isTrue();
		assertThat(info.mappedAddress()).isEqualTo(info.localAddress());
		assertThat(info.otherAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.2"),
				coturn.altPort()));
		assertThat(info.mappingLifetime()).isNull();
		assertThat(info.detail()).contains("no NAT");
		assertThat(node.detectNatType().get(5, TimeUnit.SECONDS)).isEqualTo(NatType.OPEN_INTERNET);
		assertThat(node.getNatCharacteristics().get(5, TimeUnit.SECONDS)).as("cached").isSameAs(info);
		assertThat(node.natService().orElseThrow().lastNatCharacteristics()).contains(info);
	}

	@Test
	void aServerWithoutRfc5780LeavesFilteringUnknown() throws Exception {
		try (CoturnServer single = CoturnServer.builder().listeningIps("127.0.0.1").start()) {
			RatsClient node = node(fast(List.of(single.stunServer())).build());
			NatTypeInfo info = node.getNatCharacteristics().get(10, TimeUnit.SECONDS);
			assertThat(info.otherAddress()).isNull();
			assertThat(info.filtering()).isEqualTo(NatBehavior.UNKNOWN);
			assertThat(info.behindNat()).isFalse();
			assertThat(info.detail()).contains("OTHER-ADDRESS");
		}
	}

	@Test
	void aSilentServerMeansBlockedAndDiscoveryFails() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			RatsClient node = node(fast(List.of("127.0.0.1:" + silent.getLocalPort())).build());
			assertThat(node.detectNatType().get(10, TimeUnit.SECONDS)).isEqualTo(NatType.BLOCKED);
			assertThatThrownBy(() -> node.discoverPublicAddress().get(10, TimeUnit.SECONDS))
				.isInstanceOf(ExecutionException.class)
				.hasMessageContaining("no STUN server answered");
		}
	}

	@Test
	void withoutTheSubsystemTheFacadeFailsClearly() {
		RatsClient node = this.nodes.start();
		assertThat(node.natService()).isEmpty();
		assertThatThrownBy(() -> node.discoverPublicAddress().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("nat subsystem is not running");
		assertThatThrownBy(() -> node.detectNatType().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(IllegalStateException.class);
		assertThat(node.connectToPeer("127.0.0.1", 9, io.librats.ConnectionStrategy.TURN_RELAY).join().error())
			.contains("TURN_RELAY needs the nat subsystem");
	}

	@Test
	void startsAndStopsOnARunningNode() throws Exception {
		RatsClient node = this.nodes.start();
		node.startNatTraversal(fast(List.of(coturn.stunServer())).build());
		assertThat(node.detectNatType().get(10, TimeUnit.SECONDS)).isEqualTo(NatType.OPEN_INTERNET);
		assertThat(node.stopNatTraversal()).isTrue();
		assertThat(node.natService()).isEmpty();
		assertThat(node.stopNatTraversal()).isFalse();
		assertThatThrownBy(() -> node.detectNatType().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(IllegalStateException.class);
	}

}
