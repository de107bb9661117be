package io.librats.spring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole Spring Boot application with the starter, run in the test JVM; talked to over HTTP on loopback. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApp {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static ConfigurableApplicationContext run(WebApplicationType type, String... args) {
		return new SpringApplicationBuilder(TestApp.class).web(type).run(args);
	}

	static ConfigurableApplicationContext web(String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--server.address=127.0.0.1";
		System.arraycopy(args, 0, all, 2, args.length);
		return run(WebApplicationType.SERVLET, all);
	}

	static HttpResponse<String> request(ConfigurableApplicationContext context, String method, String path,
			String json) throws Exception {
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "application/json");
		if (json != null) {
			builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
		}
		else {
			builder.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
	}

	static String get(ConfigurableApplicationContext context, String path) throws Exception {
		HttpResponse<String> response = request(context, "GET", path, null);
		if (response.statusCode() != 200) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

}
