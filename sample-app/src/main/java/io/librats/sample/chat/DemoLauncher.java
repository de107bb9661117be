package io.librats.sample.chat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts several chat nodes in one JVM, each a Spring application of its own (own web port, rats port, state
 * directory and identity). Node 1 listens; every later node lists node 1 as a static peer, and nodes find the rest
 * through peer connections of their own.
 */
final class DemoLauncher {

	static final int FIRST_WEB_PORT = 8081;

	static final int FIRST_RATS_PORT = 7801;

	private DemoLauncher() {
	}

	static List<ConfigurableApplicationContext> launch(String[] args) {
		int nodes = Arrays.stream(args)
			.filter((arg) -> arg.startsWith("--demo="))
			.map((arg) -> Integer.parseInt(arg.substring("--demo=".length())))
			.findFirst()
			.orElse(2);
		if (nodes < 1 || nodes > 9) {
			throw new IllegalArgumentException("--demo takes 1 to 9 nodes, not " + nodes);
		}
		String[] rest = Arrays.stream(args).filter((arg) -> !arg.startsWith("--demo")).toArray(String[]::new);
		Path stateRoot = Path.of(System.getProperty("java.io.tmpdir"), "rats-sample");
		List<ConfigurableApplicationContext> started = new ArrayList<>();
		for (int i = 1; i <= nodes; i++) {
			List<String> properties = new ArrayList<>(List.of(
					"--server.port=" + (FIRST_WEB_PORT + i - 1),
					"--rats.port=" + (FIRST_RATS_PORT + i - 1),
					"--rats.listen-address=127.0.0.1",
					"--rats.state-dir=" + stateRoot.resolve("node" + i),
					"--sample.nickname=node" + i,
					"--spring.application.name=rats-chat-node" + i));
			if (i > 1) {
				properties.add("--rats.peers=127.0.0.1:" + FIRST_RATS_PORT);
			}
			properties.addAll(List.of(rest));
			started.add(new SpringApplicationBuilder(ChatApplication.class).run(properties.toArray(String[]::new)));
		}
		for (int i = 1; i <= nodes; i++) {
			System.out.println("rats chat node" + i + ": http://localhost:" + (FIRST_WEB_PORT + i - 1) + "/");
		}
		return started;
	}

}
