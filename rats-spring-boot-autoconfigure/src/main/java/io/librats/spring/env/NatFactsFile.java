package io.librats.spring.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

import io.librats.StateFileCorruptException;
import io.librats.config.AtomicFiles;
import io.librats.nat.NatType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the node learned about its NAT, kept in {@code nat.json} in the state directory:
 * {@code {"version": 1, "natType": "FULL_CONE", "publicAddress": "203.0.113.7:7800", "detectedAt": epoch-ms}}.
 */
final class NatFactsFile {

	static final String FILE_NAME = "nat.json";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * @param natType the detected type
	 * @param publicAddress {@code host:port} as seen from outside, or {@code null}
	 * @param detectedAt when
	 */
	record NatFacts(NatType natType, String publicAddress, Instant detectedAt) {
	}

	private NatFactsFile() {
	}

	/** The saved facts, or {@code null} when none were saved. */
	static NatFacts read(Path stateDir) {
		Path file = stateDir.resolve(FILE_NAME);
		byte[] content;
		try {
			content = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw corrupt(file, ex.getMessage(), ex);
		}
		try {
			JsonNode json = mapper.readTree(content);
			if (json == null || !json.isObject() || json.path("version").asInt(-1) != 1) {
				throw corrupt(file, "not a version 1 NAT facts file", null);
			}
			String address = json.path("publicAddress").asString(null);
			return new NatFacts(NatType.valueOf(json.path("natType").asString("")), address,
					Instant.ofEpochMilli(json.path("detectedAt").asLong(0)));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw corrupt(file, ex.getMessage(), ex);
		}
	}

	static void write(Path stateDir, NatFacts facts) throws IOException {
		ObjectNode json = mapper.createObjectNode();
		json.put("version", 1);
		json.put("natType", facts.natType().name());
		if (facts.publicAddress() != null) {
			json.put("publicAddress", facts.publicAddress());
		}
		json.put("detectedAt", facts.detectedAt().toEpochMilli());
		AtomicFiles.write(stateDir.resolve(FILE_NAME), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
	}

	private static StateFileCorruptException corrupt(Path file, String reason, Throwable cause) {
		return new StateFileCorruptException(file, "NAT facts file " + file + " is corrupt (" + reason
				+ "); fix or delete it", cause);
	}

}
