package io.librats.sample.chat;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** This node's nickname: {@code sample.nickname}, else "rats" plus the web port. */
@Component
class Nickname {

	private final String value;

	Nickname(SampleProperties properties, Environment environment) {
		String configured = properties.nickname();
		this.value = (configured != null && !configured.isBlank()) ? configured
				: "rats" + environment.getProperty("server.port", "8080");
	}

	String value() {
		return this.value;
	}

}
