package io.librats.mdns;

import java.util.List;

import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.subsystem.RatsSubsystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RatsClient facade for mDNS on a running node: start, stats, list, stop, start again. The interface list names
 * no interface of this machine, so nothing is multicast: traffic is tested in namespaces (MdnsLanTest).
 */
class MdnsFacadeTest {

	private static final MdnsConfig NO_INTERFACE = MdnsConfig.builder()
		.serviceName("facade node")
		.interfaces(List.of("rats-none0"))
		.build();

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void close() {
		this.nodes.close();
	}

	@Test
	void startsStopsAndStartsAgainOnARunningNode() {
		RatsClient node = this.nodes.start();
		assertThat(node.isMdnsRunning()).isFalse();
		assertThat(node.discoveredServices()).isEmpty();
		assertThat(node.stopMdnsDiscovery()).isFalse();

		node.startMdnsDiscovery(NO_INTERFACE);
		assertThat(node.isMdnsRunning()).isTrue();
		assertThat(node.subsystems()).extracting(RatsSubsystem::name).contains(MdnsDiscovery.NAME);
		assertThat(node.mdnsStats()).hasValueSatisfying((stats) -> {
			assertThat(stats.instanceName()).isEqualTo("facade node");
			assertThat(stats.serviceType()).isEqualTo("_rats._tcp.local.");
			assertThat(stats.interfaces()).isEmpty();
			assertThat(stats.state()).isIn("PROBING", "ANNOUNCING", "ANNOUNCED");
		});
		assertThatThrownBy(() -> node.startMdnsDiscovery(NO_INTERFACE)).isInstanceOf(IllegalStateException.class);

		assertThat(node.stopMdnsDiscovery()).isTrue();
		assertThat(node.isMdnsRunning()).isFalse();
		assertThat(node.mdnsStats()).isEmpty();

		node.startMdnsDiscovery(NO_INTERFACE);
		assertThat(node.isMdnsRunning()).isTrue();
	}

	@Test
	void defaultInstanceNameIsTheHostNameAndAPeerIdPrefix() {
		assertThat(MdnsDiscovery.defaultInstanceName("kitchen.example.org", "3f2a1c" + "0".repeat(34)))
			.isEqualTo("kitchen-3f2a1c");
		assertThat(MdnsDiscovery.defaultInstanceName("büro_pc", "ab".repeat(20))).isEqualTo("büro-pc-ababab");
		assertThat(MdnsDiscovery.defaultInstanceName("", "ab".repeat(20))).isEqualTo("rats-ababab");
	}

}
