package io.librats.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.librats.nat.NatType;
import io.librats.spring.event.NatTypeDetectedEvent;
import io.librats.testsupport.CoturnServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application configured with a STUN server (a real coturn on 127.0.0.1 and 127.0.0.2, as RFC 5780 needs)
 * classifies its NAT once it is ready, publishes {@link NatTypeDetectedEvent}, saves the facts in its state
 * directory and shows them on {@code /actuator/rats/nat}.
 */
class NatDetectionEventTests {

	private static CoturnServer coturn;

	@TempDir
	Path state;

	@BeforeAll
	static void startCoturn() throws Exception {
		assertThat(CoturnServer.installed()).as("coturn (installed by .ci/install)").isTrue();
		coturn = CoturnServer.builder().start();
	}

	@AfterAll
	static void stopCoturn() {
		if (coturn != null) {
			coturn.close();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		final List<NatTypeDetectedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void natDetected(NatTypeDetectedEvent event) {
			this.events.add(event);
		}

	}

	@Test
	void anAppWithAStunServerPublishesSavesAndShowsItsNatType() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--server.address=127.0.0.1", "--rats.port=0", "--rats.listen-address=127.0.0.1",
					"--rats.state-dir=" + this.state, "--rats.nat.stun-servers=" + coturn.stunServer(),
					"--management.endpoints.web.exposure.include=rats")) {
			App app = context.getBean(App.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> !app.events.isEmpty());
			NatTypeDetectedEvent event = app.events.get(0);
			// loopback has no NAT: our mapped address is our own
			assertThat(event.getNatType()).isEqualTo(NatType.OPEN_INTERNET);
			assertThat(event.getPublicAddress()).isNotNull();

			await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(this.state.resolve("nat.json")));
			assertThat(context.getEnvironment().getProperty("rats.node.nat.type")).isEqualTo("OPEN_INTERNET");
			JsonNode nat = JsonMapper.builder().build().readTree(TestApp.get(context, "/actuator/rats/nat"));
			assertThat(nat.path("natType").asString()).isEqualTo("OPEN_INTERNET");
		}
	}

}
