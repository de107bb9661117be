package io.librats.sample.chat;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The rats chat sample: a Spring Boot app whose node chats with its peers through a web page. Run it once per node,
 * or with {@code --demo} to start two (or {@code --demo=3} three) nodes on loopback in one JVM that connect to each
 * other.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ChatApplication {

	public static void main(String[] args) {
		if (Arrays.stream(args).anyMatch((arg) -> arg.equals("--demo") || arg.startsWith("--demo="))) {
			DemoLauncher.launch(args);
		}
		else {
			SpringApplication.run(ChatApplication.class, args);
		}
	}

}
