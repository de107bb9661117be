package io.librats.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TwoNodeDemoTest {

	@Test
	void demoConnectsAndCompletesARoundTrip() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		TwoNodeDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		String out = bytes.toString(StandardCharsets.UTF_8);
		assertThat(out).contains("alice connected to").contains("bob   <- ").contains("hello, bob")
			.contains("alice <- reply").contains("what time is it?").contains("encrypted=true")
			.contains("both nodes stopped");
	}

}
