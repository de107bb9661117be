package io.librats.spring;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.RatsClient;
import io.librats.config.RatsConfig;
import io.librats.dht.DhtDiscovery;
import io.librats.mdns.MdnsDiscovery;
import io.librats.spring.actuate.RatsEndpoint;
import io.librats.spring.actuate.RatsHealthIndicator;
import io.librats.spring.actuate.RatsNodeReport;
import io.librats.spring.autoconfigure.RatsAutoConfiguration;
import io.librats.spring.autoconfigure.RatsDhtAutoConfiguration;
import io.librats.spring.autoconfigure.RatsMdnsAutoConfiguration;
import io.librats.spring.autoconfigure.RatsEndpointAutoConfiguration;
import io.librats.spring.autoconfigure.RatsHealthContributorAutoConfiguration;
import io.librats.spring.autoconfigure.RatsLifecycle;
import io.librats.spring.autoconfigure.RatsMetricsAutoConfiguration;
import io.librats.spring.autoconfigure.RatsProperties;
import io.librats.spring.event.ConnectionAttemptEvent;
import io.librats.spring.event.PeerConnectedEvent;
import io.librats.spring.event.PeerDisconnectedEvent;
import io.librats.spring.event.RatsEvent;
import io.librats.spring.event.RatsEventPublisher;
import io.librats.spring.metrics.RatsMeterBinder;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.librats.spring.actuate.RatsSanitizingFunction;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RatsAutoConfigurationTests {

	@TempDir
	Path tmp;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RatsAutoConfiguration.class, RatsDhtAutoConfiguration.class,
					RatsMdnsAutoConfiguration.class,
					RatsHealthContributorAutoConfiguration.class, RatsEndpointAutoConfiguration.class,
					RatsMetricsAutoConfiguration.class))
			.withPropertyValues("rats.port=0", "rats.state-dir=" + this.tmp.resolve("state"), "rats.handler-threads=2");
	}

	@Test
	void nodeSharesTheJvmsThreadsUnlessGivenThreadsOfItsOwn() {
		ApplicationContextRunner bare = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RatsAutoConfiguration.class))
			.withPropertyValues("rats.port=0", "rats.state-dir=" + this.tmp.resolve("threads"));
		bare.run((context) -> assertThat(context.getBean(RatsConfig.class).sharedThreads()).isTrue());
		bare.withPropertyValues("rats.handler-threads=3").run((context) -> {
			RatsConfig config = context.getBean(RatsConfig.class);
			assertThat(config.sharedThreads()).isFalse();
			assertThat(config.handlerThreads()).isEqualTo(3);
		});
		bare.withPropertyValues("rats.shared-threads=false")
			.run((context) -> assertThat(context.getBean(RatsConfig.class).sharedThreads()).isFalse());
		bare.withPropertyValues("rats.shared-threads=true", "rats.handler-threads=3")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure().rootCause().hasMessageContaining("sharedThreads(false)"));
	}

	@Test
	void startsAListeningNodeWithPersistedIdentity() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(RatsClient.class).hasSingleBean(RatsConfig.class)
				.hasSingleBean(RatsLifecycle.class).hasSingleBean(RatsEventPublisher.class)
				.hasSingleBean(RatsNodeReport.class).hasSingleBean(RatsHealthIndicator.class)
				.hasSingleBean(RatsMeterBinder.class).doesNotHaveBean(DhtDiscovery.class);
			RatsClient client = context.getBean(RatsClient.class);
			assertThat(client.isRunning()).isTrue();
			assertThat(client.listenPort()).isPositive();
			assertThat(client.config().stateDir()).isEqualTo(this.tmp.resolve("state"));
			assertThat(this.tmp.resolve("state/identity.json")).exists();
			assertThat(client.config().encryption()).isTrue();
		});
	}

	@Test
	void propertiesReachTheCoreConfiguration() {
		runner().withPropertyValues("rats.max-peers=7", "rats.peers=127.0.0.1:1,[::1]:2",
				"rats.protocol-id=chat-app", "rats.max-message-size=1MB", "rats.ping-interval=2s",
				"rats.peer-timeout=5s", "rats.nat.stun-servers=127.0.0.1:9",
				"rats.nat.turn-servers[0].url=turn:127.0.0.1:9?transport=tcp",
				"rats.nat.turn-servers[0].username=u", "rats.nat.turn-servers[0].password=p")
			.run((context) -> {
				RatsConfig config = context.getBean(RatsConfig.class);
				assertThat(config.maxPeers()).isEqualTo(7);
				assertThat(config.peers()).extracting(Object::toString).containsExactly("127.0.0.1:1", "[::1]:2");
				assertThat(config.protocolId()).isEqualTo("chat-app");
				assertThat(config.maxFrameSize()).isEqualTo(1024 * 1024);
				assertThat(config.peerTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(config.natTraversal().stunServers()).containsExactly("127.0.0.1:9");
				assertThat(config.natTraversal().turnServers()).singleElement()
					.satisfies((turn) -> assertThat(turn.password()).isEqualTo("p"));
			});
	}

	@Test
	void propertyDefaultsAreTheCoreDefaults() {
		// the defaults are literals in RatsProperties so that the metadata shows them; this keeps them in step
		RatsConfig core = RatsConfig.defaults();
		RatsProperties properties = new RatsProperties();
		assertThat(properties.getPort()).isEqualTo(core.listenPort());
		assertThat(properties.getMaxPeers()).isEqualTo(core.maxPeers());
		assertThat(properties.isEncryption()).isEqualTo(core.encryption());
		assertThat(properties.getProtocolId()).isEqualTo(core.protocolId());
		assertThat(properties.getConnectTimeout()).isEqualTo(core.connectTimeout());
		assertThat(properties.getHandshakeTimeout()).isEqualTo(core.handshakeTimeout());
		assertThat(properties.getPingInterval()).isEqualTo(core.pingInterval());
		assertThat(properties.getPeerTimeout()).isEqualTo(core.peerTimeout());
		assertThat(properties.getReconnectInitialDelay()).isEqualTo(core.reconnectInitialDelay());
		assertThat(properties.getReconnectMaxDelay()).isEqualTo(core.reconnectMaxDelay());
		assertThat(properties.getReconnectMaxAttempts()).isEqualTo(core.reconnectMaxAttempts());
		assertThat(properties.getMaxMessageSize().toBytes()).isEqualTo(core.maxFrameSize());
		io.librats.dht.DhtConfig dht = io.librats.dht.DhtConfig.defaults();
		assertThat(properties.getDiscovery().getDht().getPort()).isEqualTo(dht.port());
		assertThat(properties.getDiscovery().getDht().getBindAddress()).isEqualTo(dht.bindAddress());
		assertThat(properties.getDiscovery().getDht().getNamespace()).isEqualTo(dht.namespace());
		assertThat(properties.getDiscovery().getDht().getAnnounceInterval()).isEqualTo(dht.announceInterval());
		assertThat(properties.getDiscovery().getDht().getLookupInterval()).isEqualTo(dht.lookupInterval());
	}

	@Test
	void environmentVariablesBindWithRelaxedNames() {
		java.util.Map<String, Object> variables = java.util.Map.of("RATS_PORT", "0", "RATS_MAXPEERS", "9",
				"RATS_PEERS_0_", "127.0.0.1:9", "RATS_DISCOVERY_DHT_NAMESPACE", "from-env");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RatsAutoConfiguration.class))
			.withPropertyValues("rats.state-dir=" + this.tmp.resolve("env"), "rats.handler-threads=2")
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(
					new org.springframework.core.env.SystemEnvironmentPropertySource(
							org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							variables)))
			.run((context) -> {
				RatsProperties properties = context.getBean(RatsProperties.class);
				assertThat(properties.getPort()).isZero();
				assertThat(properties.getMaxPeers()).isEqualTo(9);
				assertThat(properties.getPeers()).containsExactly("127.0.0.1:9");
				assertThat(properties.getDiscovery().getDht().getNamespace()).isEqualTo("from-env");
				assertThat(context.getBean(RatsClient.class).listenPort()).isPositive();
			});
	}

	@Test
	void disabledCreatesNothing() {
		runner().withPropertyValues("rats.enabled=false", "rats.discovery.dht.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RatsClient.class).doesNotHaveBean(RatsLifecycle.class)
				.doesNotHaveBean(DhtDiscovery.class).doesNotHaveBean(RatsHealthIndicator.class)
				.doesNotHaveBean(RatsMeterBinder.class).doesNotHaveBean(RatsEndpoint.class);
		});
	}

	@Test
	void userBeansWin() {
		RatsClient own = new RatsClient(RatsConfig.builder().listenPort(0).handlerThreads(1).build());
		runner().withBean("myClient", RatsClient.class, () -> own)
			.withBean("myConfig", RatsConfig.class, () -> RatsConfig.builder().listenPort(0).build())
			.withBean("myLifecycle", RatsLifecycle.class, () -> new RatsLifecycle(own, true))
			.run((context) -> {
				assertThat(context).hasSingleBean(RatsClient.class).hasSingleBean(RatsConfig.class)
					.hasSingleBean(RatsLifecycle.class);
				assertThat(context.getBean(RatsClient.class)).isSameAs(own);
				assertThat(context.getBean(RatsLifecycle.class)).isSameAs(context.getBean("myLifecycle"));
			});
	}

	@Test
	void invalidValuesFailNamingTheProperty() {
		assertInvalid("rats.port=70000", "rats.port");
		assertInvalid("rats.port=-1", "rats.port");
		assertInvalid("rats.max-peers=0", "rats.max-peers");
		assertInvalid("rats.peers=localhost", "rats.peers[0]");
		assertInvalid("rats.peers=127.0.0.1:1,host:99999", "rats.peers[1]");
		assertInvalid("rats.nat.stun-servers=stun.example.org", "rats.nat.stun-servers[0]");
		assertInvalid("rats.discovery.dht.bootstrap=router:x", "rats.discovery.dht.bootstrap[0]");
		assertInvalid("rats.discovery.dht.port=65536", "rats.discovery.dht.port");
		assertInvalid("rats.peer-timeout=1s", "rats.peer-timeout");
		assertInvalid("rats.protocol-id=", "rats.protocol-id");
		assertInvalid("rats.max-message-size=10B", "rats.max-message-size");
		assertInvalid(List.of("rats.nat.turn-servers[0].url=http://turn.example.org",
				"rats.nat.turn-servers[0].username=u", "rats.nat.turn-servers[0].password=p"),
				"rats.nat.turn-servers[0].url");
		assertInvalid(List.of("rats.nat.turn-servers[0].url=turn:turn.example.org:99999",
				"rats.nat.turn-servers[0].username=u", "rats.nat.turn-servers[0].password=p"),
				"rats.nat.turn-servers[0].url");
		assertInvalid(List.of("rats.nat.turn-servers[0].url=turn:turn.example.org?transport=sctp",
				"rats.nat.turn-servers[0].username=u", "rats.nat.turn-servers[0].password=p"),
				"rats.nat.turn-servers[0].url");
		assertInvalid(List.of("rats.nat.turn-servers[0].url=turn:turn.example.org",
				"rats.nat.turn-servers[0].password=p"), "rats.nat.turn-servers[0].username");
	}

	private void assertInvalid(String property, String named) {
		assertInvalid(List.of(property), named);
	}

	private void assertInvalid(List<String> properties, String named) {
		runner().withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).as(properties.toString()).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().as(properties.toString())
				.hasMessageContaining("Property " + named + " with value");
		});
	}

	@Test
	void everySubsystemBeanIsAttachedAndDhtOnlyWhenEnabled() {
		runner().withBean("probe", RatsSubsystem.class, ProbeSubsystem::new)
			.withPropertyValues("rats.discovery.dht.enabled=true", "rats.discovery.dht.bind-address=127.0.0.1")
			.run((context) -> {
				assertThat(context).hasSingleBean(DhtDiscovery.class);
				RatsClient client = context.getBean(RatsClient.class);
				assertThat(client.subsystems()).extracting(RatsSubsystem::name).containsExactlyInAnyOrder("dht", "probe");
				assertThat(((ProbeSubsystem) context.getBean("probe")).started).isTrue();
				RatsNodeReport report = context.getBean(RatsNodeReport.class);
				assertThat(report.discovery()).extractingByKey("dht").asInstanceOf(
						org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("enabled", true)
					.containsEntry("running", true).containsKey("nodes");
			});
	}

	@Test
	void aTakenPortFailsStartupNamingThePort() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
			runner().withPropertyValues("rats.port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().satisfies((root) -> assertThat(
						String.valueOf(root.getMessage())).containsIgnoringCase("in use"));
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"Cannot listen on port " + taken.getLocalPort());
			});
		}
	}

	@Test
	void withoutFailFastATakenPortLeavesTheAppUpAndHealthDown() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
			runner().withPropertyValues("rats.port=" + taken.getLocalPort(), "rats.fail-fast=false").run((context) -> {
				assertThat(context).hasNotFailed();
				var health = context.getBean(RatsHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(String.valueOf(health.getDetails().get("reason")))
					.contains("port " + taken.getLocalPort());
			});
		}
	}

	@Test
	void healthIsUpWithDetailsAndCanBeSwitchedOff() {
		runner().run((context) -> {
			var health = context.getBean(RatsHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("peerId", "peers", "listenAddresses", "natType");
			assertThat(health.getDetails().get("natType")).isEqualTo("UNKNOWN");
		});
		runner().withPropertyValues("management.health.rats.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RatsHealthIndicator.class));
	}

	@Test
	void endpointOnlyWhenExposed() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(RatsEndpoint.class));
		runner().withPropertyValues("management.endpoints.web.exposure.include=rats")
			.run((context) -> assertThat(context).hasSingleBean(RatsEndpoint.class));
	}

	@Test
	void callbacksBecomeSpringEventsAndMetrics() {
		List<RatsEvent> events = new CopyOnWriteArrayList<>();
		try (RatsClient other = new RatsClient(RatsConfig.builder().listenPort(0).handlerThreads(1).build())) {
			other.start();
			runner().withBean(SimpleMeterRegistry.class)
				.withBean("eventRecorder", ApplicationListener.class,
						() -> (ApplicationListener<RatsEvent>) events::add)
				.run((context) -> {
					new RatsMeterBinder(context.getBean(RatsClient.class)).bindTo(context.getBean(MeterRegistry.class));
					RatsClient client = context.getBean(RatsClient.class);
					client.on("chat", (msg) -> {
					});
					assertThat(client.connectToPeer("127.0.0.1", other.listenPort()).join().success()).isTrue();
					other.send(client.peerId(), "chat", java.util.Map.of("text", "hi")).join();
					other.send(client.peerId(), "anything-" + System.nanoTime(), java.util.Map.of()).join();
					await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
						.anyMatch(PeerConnectedEvent.class::isInstance));
					assertThat(events).anyMatch(ConnectionAttemptEvent.class::isInstance);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("rats.messages")
						.tags("direction", "in", "type", "other").counter() != null);
					assertThat(registry.get("rats.peers.connected").gauge().value()).isEqualTo(1.0);
					assertThat(registry.get("rats.connection.attempts").tags("method", "direct", "outcome", "success")
						.timer().count()).isGreaterThanOrEqualTo(1);
					assertThat(registry.get("rats.handshakes").timer().count()).isGreaterThanOrEqualTo(1);
					assertThat(registry.get("rats.messages").tags("direction", "in", "type", "chat").counter().count())
						.isEqualTo(1.0);
					assertThat(registry.get("rats.messages.bytes").tags("direction", "in", "type", "chat").counter()
						.count()).isPositive();
					assertThat(registry.find("rats.messages").tagKeys("peer").counters()).isEmpty();
					assertThat(registry.get("rats.frames.malformed").functionCounter()).isNotNull();
					assertThat(registry.get("rats.handler.errors").functionCounter()).isNotNull();
					client.disconnectPeer(other.peerId());
					await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
						.anyMatch(PeerDisconnectedEvent.class::isInstance));
				});
		}
	}

	/**
	 * mDNS is attached when enabled and reported in the node report. The interface list names no interface of this
	 * machine, so nothing is ever multicast here; the namespace tests in rats-core exercise the traffic.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void mdnsIsAttachedWhenEnabledAndReported() {
		runner().withPropertyValues("rats.discovery.mdns.enabled=true", "rats.discovery.mdns.interfaces=rats-none0",
				"rats.discovery.mdns.service-name=spring node", "rats.discovery.mdns.query-interval=2s")
			.run((context) -> {
				assertThat(context).hasSingleBean(MdnsDiscovery.class);
				RatsClient client = context.getBean(RatsClient.class);
				assertThat(client.subsystems()).extracting(RatsSubsystem::name).contains("mdns");
				assertThat(client.isMdnsRunning()).isTrue();
				assertThat(client.discoveredServices()).isEmpty();
				Map<String, Object> mdns = (Map<String, Object>) context.getBean(RatsNodeReport.class).discovery().get("mdns");
				assertThat(mdns).containsEntry("enabled", true).containsEntry("running", true)
					.containsEntry("instanceName", "spring node").containsEntry("serviceType", "_rats._tcp.local.")
					.containsEntry("interfaces", List.of()).containsEntry("queryIntervalMillis", 2000L)
					.containsKey("services").containsKey("counters");
			});
		runner().run((context) -> assertThat(context).doesNotHaveBean(MdnsDiscovery.class));
	}

	@Test
	void optionalIntegrationsBackOffWithoutTheirClasses() {
		runner().withClassLoader(new FilteredClassLoader(MeterBinder.class, HealthIndicator.class, Endpoint.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(RatsClient.class).doesNotHaveBean(RatsMeterBinder.class)
					.doesNotHaveBean(RatsHealthIndicator.class).doesNotHaveBean(RatsSanitizingFunction.class);
			});
		runner().withClassLoader(new FilteredClassLoader(DhtDiscovery.class))
			.withPropertyValues("rats.discovery.dht.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DhtDiscovery.class));
	}

	@Test
	void sanitizingFunctionMasksSecretKeysOnly() {
		RatsSanitizingFunction function = new RatsSanitizingFunction();
		for (String key : List.of("rats.nat.turn-servers[0].password", "password", "RATS_NAT_TURNSERVERS_0_PASSWORD",
				"app.client-secret", "rats.node.private-key", "db.credentials")) {
			assertThat(function.apply(new SanitizableData(null, key, "value")).getValue()).as(key)
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
		for (String key : List.of("rats.nat.turn-servers[0].username", "rats.node.peer-id", "rats.port",
				"rats.node.identity-file")) {
			assertThat(function.apply(new SanitizableData(null, key, "value")).getValue()).as(key).isEqualTo("value");
		}
	}

	static final class ProbeSubsystem implements RatsSubsystem {

		volatile boolean started;

		@Override
		public String name() {
			return "probe";
		}

		@Override
		public void start(SubsystemContext context) {
			this.started = true;
		}

		@Override
		public void stop() {
			this.started = false;
		}

	}

}
