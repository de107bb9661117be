package io.librats.spring;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.librats.RatsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real applications with the starter and Actuator over HTTP. */
class RatsActuatorApplicationTests {

	private static final String TURN_PASSWORD = "tUrN-pAsS-4f9c1e";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path tmp;

	private String[] args(String name, String... extra) {
		java.util.Map<String, String> all = new java.util.LinkedHashMap<>();
		for (String arg : List.of("--spring.application.name=" + name, "--rats.port=0",
				"--rats.state-dir=" + this.tmp.resolve(name), "--rats.handler-threads=2",
				"--management.endpoints.web.exposure.include=*",
				"--management.endpoint.health.show-details=always",
				"--management.endpoint.env.show-values=ALWAYS",
				"--management.endpoint.configprops.show-values=ALWAYS")) {
			all.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		for (String arg : extra) {
			all.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		return all.values().toArray(String[]::new);
	}

	@Test
	void twoAppsConfiguredOnlyWithALoopbackDhtFindEachOtherAndShowTheDhtOnTheEndpoint() throws Exception {
		String[] dht = { "--rats.discovery.dht.enabled=true", "--rats.discovery.dht.bind-address=127.0.0.1",
				"--rats.discovery.dht.namespace=actuator-test", "--rats.discovery.dht.lookup-interval=2s" };
		try (ConfigurableApplicationContext a = TestApp.web(args("dht-alpha", dht))) {
			RatsClient clientA = a.getBean(RatsClient.class);
			int dhtPort = clientA.services().find(io.librats.dht.DhtService.class).orElseThrow().port();
			List<String> withBootstrap = new java.util.ArrayList<>(List.of(dht));
			withBootstrap.add("--rats.discovery.dht.bootstrap=127.0.0.1:" + dhtPort);
			try (ConfigurableApplicationContext b = TestApp.web(args("dht-beta", withBootstrap.toArray(String[]::new)))) {
				RatsClient clientB = b.getBean(RatsClient.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> clientA.isConnected(clientB.peerId()));

				JsonNode section = json.readTree(TestApp.get(b, "/actuator/rats")).path("discovery").path("dht");
				assertThat(section.path("enabled").asBoolean()).isTrue();
				assertThat(section.path("running").asBoolean()).isTrue();
				assertThat(section.path("nodes").asInt()).isPositive();
				assertThat(section.path("nodeId").asString()).hasSize(40);
				assertThat(section.path("counters").isObject()).isTrue();
			}
		}
	}

	@Test
	void endpointsShowTheNodeAndItsPeersAndConnectAndDisconnect() throws Exception {
		try (ConfigurableApplicationContext a = TestApp.web(args("alpha",
				"--rats.nat.turn-servers[0].url=turn:127.0.0.1:9",
				"--rats.nat.turn-servers[0].username=alice", "--rats.nat.turn-servers[0].password=" + TURN_PASSWORD));
				ConfigurableApplicationContext b = TestApp.web(args("beta"))) {
			RatsClient clientA = a.getBean(RatsClient.class);
			RatsClient clientB = b.getBean(RatsClient.class);
			assertThat(clientA.peerId()).isNotEqualTo(clientB.peerId());

			JsonNode health = json.readTree(TestApp.get(a, "/actuator/health"));
			JsonNode rats = health.path("components").path("rats");
			assertThat(rats.path("status").asString()).isEqualTo("UP");
			assertThat(rats.path("details").path("peers").asInt()).isZero();
			assertThat(rats.path("details").path("listenAddresses").isArray()).isTrue();
			assertThat(rats.path("details").path("natType").asString()).isEqualTo("UNKNOWN");

			HttpResponse<String> connected = TestApp.request(a, "POST", "/actuator/rats",
					"{\"host\":\"127.0.0.1\",\"port\":" + clientB.listenPort() + ",\"strategy\":\"DIRECT\"}");
			assertThat(connected.statusCode()).as(connected.body()).isEqualTo(200);
			JsonNode outcome = json.readTree(connected.body());
			assertThat(outcome.path("success").asBoolean()).as(connected.body()).isTrue();
			assertThat(outcome.path("peerId").asString()).isEqualTo(clientB.peerId());
			await().atMost(Duration.ofSeconds(5)).until(() -> clientB.isConnected(clientA.peerId()));

			JsonNode node = json.readTree(TestApp.get(a, "/actuator/rats"));
			assertThat(node.path("node").path("peerId").asString()).isEqualTo(clientA.peerId());
			assertThat(node.path("node").path("encryption").asBoolean()).isTrue();
			assertThat(node.path("node").path("listenPort").asInt()).isEqualTo(clientA.listenPort());
			assertThat(node.path("node").path("uptimeSeconds").isNumber()).isTrue();
			assertThat(node.path("node").path("transport").asString()).isIn("epoll", "nio");
			JsonNode peer = node.path("peers").get(0);
			assertThat(peer.path("peerId").asString()).isEqualTo(clientB.peerId());
			assertThat(peer.path("address").asString()).isEqualTo("127.0.0.1:" + clientB.listenPort());
			assertThat(peer.path("direction").asString()).isEqualTo("OUTBOUND");
			assertThat(peer.path("connectionMethod").asString()).isEqualTo("DIRECT");
			assertThat(peer.path("encrypted").asBoolean()).isTrue();
			for (String field : List.of("connectedSince", "bytesIn", "bytesOut", "messagesIn", "messagesOut",
					"lastSeen", "handshakeMillis")) {
				assertThat(peer.has(field)).as(field).isTrue();
			}
			assertThat(peer.path("bytesOut").asLong()).isPositive();
			assertThat(node.path("discovery").path("dht").path("enabled").asBoolean()).isFalse();
			assertThat(node.path("discovery").path("dht").path("status").asString()).contains("not enabled");
			assertThat(node.path("discovery").path("mdns").path("status").asString()).contains("not enabled");

			JsonNode nat = json.readTree(TestApp.get(a, "/actuator/rats/nat"));
			// a TURN server is configured, so the node attached its NAT subsystem; b has none
			assertThat(nat.path("detection").asString()).isIn("enabled, not measured yet", "measured");
			assertThat(json.readTree(TestApp.get(b, "/actuator/rats/nat")).path("detection").asString())
				.startsWith("not available");
			assertThat(nat.path("natType").isString()).isTrue();
			assertThat(nat.path("strategy").asString()).isEqualTo("AUTO_ADAPTIVE");
			assertThat(nat.path("turnServers").get(0).path("url").asString()).isEqualTo("turn:127.0.0.1:9");
			assertThat(nat.path("turnServers").get(0).path("password").asString()).isEqualTo("******");
			assertThat(nat.path("candidates").isArray()).isTrue();
			JsonNode attempt = nat.path("recentAttempts").get(0);
			assertThat(attempt.path("method").asString()).isEqualTo("DIRECT");
			assertThat(attempt.path("success").asBoolean()).isTrue();
			assertThat(attempt.path("durationMillis").asDouble()).isPositive();
			assertThat(TestApp.request(a, "GET", "/actuator/rats/nothing-here", null).statusCode()).isEqualTo(404);

			HttpResponse<String> dropped = TestApp.request(a, "DELETE", "/actuator/rats/" + clientB.peerId(), null);
			assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
			assertThat(json.readTree(dropped.body()).path("disconnected").asBoolean()).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> !clientA.isConnected(clientB.peerId()));

			assertNoSecretAnywhere(a);
		}
	}

	private static void assertNoSecretAnywhere(ConfigurableApplicationContext context) throws Exception {
		String env = TestApp.get(context, "/actuator/env");
		// the settings are really shown (so the test would catch a leak): the user name is visible, the password not
		assertThat(env).contains("alice").contains("rats.nat.turn-servers[0].password");
		String configprops = TestApp.get(context, "/actuator/configprops");
		assertThat(configprops).contains("alice");
		JsonNode endpoints = json.readTree(TestApp.get(context, "/actuator")).path("_links");
		List<String> checked = new java.util.ArrayList<>();
		for (var link : endpoints.properties()) {
			String href = link.getValue().path("href").asString();
			if (link.getValue().path("templated").asBoolean() || link.getKey().equals("heapdump")
					|| link.getKey().equals("shutdown")) {
				continue;
			}
			String path = href.substring(href.indexOf("/actuator"));
			HttpResponse<String> response = TestApp.request(context, "GET", path, null);
			assertThat(response.body()).as(path).doesNotContain(TURN_PASSWORD);
			checked.add(path);
		}
		for (String path : List.of("/actuator/env/rats.nat.turn-servers%5B0%5D.password", "/actuator/rats/nat",
				"/actuator/metrics/rats.peers.connected")) {
			assertThat(TestApp.request(context, "GET", path, null).body()).as(path).doesNotContain(TURN_PASSWORD);
		}
		assertThat(checked).contains("/actuator/env", "/actuator/configprops", "/actuator/rats", "/actuator/health",
				"/actuator/beans");
	}

	@Test
	void withoutFailFastATakenPortMakesHealthDownOverHttp() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
				ConfigurableApplicationContext app = TestApp.web(args("gamma", "--rats.port=" + taken.getLocalPort(),
						"--rats.fail-fast=false"))) {
			HttpResponse<String> response = TestApp.request(app, "GET", "/actuator/health", null);
			assertThat(response.statusCode()).isEqualTo(503);
			JsonNode rats = json.readTree(response.body()).path("components").path("rats");
			assertThat(rats.path("status").asString()).isEqualTo("DOWN");
			assertThat(rats.path("details").path("reason").asString()).contains("port " + taken.getLocalPort());
		}
	}

}
