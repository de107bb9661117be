package io.librats.spring;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.librats.RatsClient;
import io.librats.StateFileCorruptException;
import io.librats.config.RatsConfig;
import io.librats.nat.NatType;
import io.librats.spring.env.NodeStatePropertySource;
import io.librats.spring.event.NatTypeDetectedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The node's saved state in the Environment, across restarts of a real application. */
class NodeStatePersistenceTests {

	@TempDir
	Path tmp;

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Component
		static class PeerIdHolder {

			final String peerId;

			PeerIdHolder(@Value("${rats.node.peer-id}") String peerId) {
				this.peerId = peerId;
			}

		}

	}

	private ConfigurableApplicationContext run(Path stateDir, String... extra) {
		String[] args = Stream.concat(Stream.of("--rats.port=0", "--rats.handler-threads=2",
				"--rats.state-dir=" + stateDir, "--rats.reconnect-initial-delay=100ms"), Stream.of(extra))
			.toArray(String[]::new);
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(args);
	}

	@Test
	void restartKeepsThePeerIdWhichValueResolvesFromTheSavedState() {
		Path dir = this.tmp.resolve("node");
		String first;
		try (ConfigurableApplicationContext app = run(dir)) {
			first = app.getBean(RatsClient.class).peerId();
			assertThat(app.getBean(App.PeerIdHolder.class).peerId).isEqualTo(first);
		}
		try (ConfigurableApplicationContext app = run(dir)) {
			assertThat(app.getBean(RatsClient.class).peerId()).isEqualTo(first);
			assertThat(app.getBean(App.PeerIdHolder.class).peerId).isEqualTo(first);
			assertThat(app.getEnvironment().getProperty(NodeStatePropertySource.IDENTITY_FILE))
				.isEqualTo(dir.resolve("identity.json").toString());
			assertThat(app.getEnvironment().getPropertySources().get(NodeStatePropertySource.NAME).getSource()
				.toString()).doesNotContain("privateKey").doesNotContain("private");
		}
	}

	@Test
	void savedStateRanksBelowTheApplicationsConfiguration() {
		Path dir = this.tmp.resolve("node");
		try (ConfigurableApplicationContext app = run(dir, "--rats.node.peer-id=configured-by-user")) {
			assertThat(app.getBean(App.PeerIdHolder.class).peerId).isEqualTo("configured-by-user");
			assertThat(app.getEnvironment().getPropertySources().get(NodeStatePropertySource.NAME)
				.getProperty(NodeStatePropertySource.PEER_ID)).isEqualTo(app.getBean(RatsClient.class).peerId());
			List<String> order = app.getEnvironment().getPropertySources().stream().map(PropertySource::getName)
				.toList();
			int saved = order.indexOf(NodeStatePropertySource.NAME);
			assertThat(saved).isGreaterThan(order.indexOf("commandLineArgs"))
				.isGreaterThan(order.indexOf("systemProperties")).isGreaterThan(order.indexOf("systemEnvironment"));
			for (int i = 0; i < order.size(); i++) {
				if (order.get(i).startsWith("Config resource")) {
					assertThat(saved).as(order.get(i)).isGreaterThan(i);
				}
			}
		}
	}

	@Test
	void restartReconnectsToKnownPeers() {
		Path dir = this.tmp.resolve("node");
		try (RatsClient other = new RatsClient(RatsConfig.builder().listenPort(0).handlerThreads(1).build())) {
			other.start();
			try (ConfigurableApplicationContext app = run(dir)) {
				RatsClient client = app.getBean(RatsClient.class);
				assertThat(client.connectToPeer("127.0.0.1", other.listenPort()).join().success()).isTrue();
			}
			try (ConfigurableApplicationContext app = run(dir)) {
				assertThat(app.getEnvironment().getProperty("rats.node.known-peers[0].peer-id"))
					.isEqualTo(other.peerId());
				assertThat(app.getEnvironment().getProperty("rats.node.known-peers[0].address"))
					.isEqualTo("127.0.0.1:" + other.listenPort());
				RatsClient client = app.getBean(RatsClient.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> client.isConnected(other.peerId()));
			}
		}
	}

	@Test
	void learnedNatFactsAreSavedAndLoadedAgain() {
		Path dir = this.tmp.resolve("node");
		try (ConfigurableApplicationContext app = run(dir)) {
			app.publishEvent(new NatTypeDetectedEvent(app.getBean(RatsClient.class), NatType.PORT_RESTRICTED_CONE,
					new InetSocketAddress("203.0.113.7", 40001)));
			assertThat(app.getEnvironment().getProperty(NodeStatePropertySource.NAT_TYPE))
				.isEqualTo("PORT_RESTRICTED_CONE");
			assertThat(dir.resolve("nat.json")).exists();
		}
		try (ConfigurableApplicationContext app = run(dir)) {
			assertThat(app.getEnvironment().getProperty(NodeStatePropertySource.NAT_TYPE))
				.isEqualTo("PORT_RESTRICTED_CONE");
			assertThat(app.getEnvironment().getProperty(NodeStatePropertySource.NAT_PUBLIC_ADDRESS))
				.isEqualTo("203.0.113.7:40001");
		}
	}

	@Test
	void aCorruptStateFileFailsStartupNamingItUnlessResetIsOptedIn() throws Exception {
		Path dir = this.tmp.resolve("node");
		String first;
		try (ConfigurableApplicationContext app = run(dir)) {
			first = app.getBean(RatsClient.class).peerId();
		}
		Path identity = dir.resolve("identity.json");
		Files.writeString(identity, "{\"format\": \"rats-identity\", \"truncated");
		assertThatThrownBy(() -> run(dir)).isInstanceOf(StateFileCorruptException.class)
			.hasMessageContaining(identity.toString());
		assertThat(identity).exists();
		try (ConfigurableApplicationContext app = run(dir, "--rats.state.reset-on-corrupt=true")) {
			assertThat(app.getBean(RatsClient.class).peerId()).isNotEqualTo(first);
		}
		try (Stream<Path> files = Files.list(dir)) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.anyMatch((name) -> name.startsWith("identity.json.corrupt-"));
		}
		Files.writeString(dir.resolve("nat.json"), "not json");
		assertThatThrownBy(() -> run(dir)).isInstanceOf(StateFileCorruptException.class)
			.hasMessageContaining(dir.resolve("nat.json").toString());
	}

	@Test
	void twoApplicationsInOneJvmGetTheirOwnDefaultStateDirectoriesAndIdentities() {
		String home = this.tmp.resolve("home").toString();
		String[] common = { "--rats.port=0", "--rats.handler-threads=2", "--user.home=" + home };
		try (ConfigurableApplicationContext one = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run(Stream.concat(Stream.of(common), Stream.of("--spring.application.name=one")).toArray(String[]::new));
				ConfigurableApplicationContext two = new SpringApplicationBuilder(App.class)
					.web(WebApplicationType.NONE)
					.run(Stream.concat(Stream.of(common), Stream.of("--spring.application.name=two"))
						.toArray(String[]::new))) {
			RatsClient a = one.getBean(RatsClient.class);
			RatsClient b = two.getBean(RatsClient.class);
			assertThat(a).isNotSameAs(b);
			assertThat(a.config().stateDir()).isEqualTo(Path.of(home, ".rats", "one"));
			assertThat(b.config().stateDir()).isEqualTo(Path.of(home, ".rats", "two"));
			assertThat(a.peerId()).isNotEqualTo(b.peerId());
			assertThat(a.connectToPeer("127.0.0.1", b.listenPort()).join().success()).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> b.isConnected(a.peerId()));
		}
	}

	@Test
	void withoutAnApplicationNameTheDefaultIsHashedFromTheMainClassAndWorkingDirectory() {
		String home = this.tmp.resolve("home").toString();
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run("--rats.port=0", "--rats.handler-threads=2", "--user.home=" + home)) {
			Path dir = app.getBean(RatsClient.class).config().stateDir();
			assertThat(dir.getParent()).isEqualTo(Path.of(home, ".rats"));
			assertThat(dir.getFileName().toString()).matches("app-[0-9a-f]{12}");
			assertThat(dir.resolve("identity.json")).exists();
		}
	}

	@Test
	void disabledNodeTouchesNoState() {
		Path dir = this.tmp.resolve("off");
		try (ConfigurableApplicationContext app = run(dir, "--rats.enabled=false", "--rats.node.peer-id=none")) {
			assertThat(app.getBeansOfType(RatsClient.class)).isEmpty();
			assertThat(app.getEnvironment().getPropertySources().get(NodeStatePropertySource.NAME)).isNull();
		}
		assertThat(dir).doesNotExist();
	}

}
