package io.librats.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import io.librats.config.AtomicFiles;
import io.librats.noise.NoiseKeyPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads the node identity from {@code identity.json} in the state directory, creating it on first start. A file
 * that exists but cannot be read is an error, never a reason to make a new identity silently: peers know this node
 * by its id.
 */
public final class IdentityStore {

	/** File name of the identity inside the state directory. */
	public static final String FILE_NAME = "identity.json";

	private static final String FORMAT = "rats-identity";

	private static final Logger logger = LoggerFactory.getLogger(IdentityStore.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Path file;

	public IdentityStore(Path stateDir) {
		this.file = stateDir.resolve(FILE_NAME);
	}

	public Path file() {
		return this.file;
	}

	/** Loads the identity, creating and persisting a new one when the file does not exist yet. */
	public NodeIdentity loadOrCreate() throws IOException {
		byte[] content;
		try {
			content = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			NodeIdentity created = NodeIdentity.generate();
			save(created);
			logger.info("Created new node identity {} in {}", created.peerId(), this.file);
			return created;
		}
		NodeIdentity loaded = parse(content);
		logger.debug("Loaded node identity {} from {}", loaded.peerId(), this.file);
		return loaded;
	}

	/** Writes the identity atomically, owner-only. */
	public void save(NodeIdentity identity) throws IOException {
		ObjectNode json = mapper.createObjectNode();
		json.put("format", FORMAT);
		json.put("version", 1);
		json.put("algorithm", "X25519");
		json.put("peerId", identity.peerId());
		json.put("publicKey", Base64.getEncoder().encodeToString(identity.publicKey()));
		byte[] privateKey = identity.keyPair().privateKey();
		try {
			json.put("privateKey", Base64.getEncoder().encodeToString(privateKey));
			AtomicFiles.write(this.file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
		}
		finally {
			Arrays.fill(privateKey, (byte) 0);
		}
	}

	private NodeIdentity parse(byte[] content) {
		JsonNode json;
		try {
			json = mapper.readTree(content);
		}
		catch (JacksonException ex) {
			throw corrupt("not valid JSON");
		}
		if (json == null || !json.isObject() || !FORMAT.equals(json.path("format").asString(null))) {
			throw corrupt("not a rats identity file");
		}
		if (json.path("version").asInt(-1) != 1 || !"X25519".equals(json.path("algorithm").asString(null))) {
			throw corrupt("unsupported version or algorithm");
		}
		byte[] privateKey = decode(json, "privateKey");
		byte[] publicKey = decode(json, "publicKey");
		NoiseKeyPair keyPair = NoiseKeyPair.fromPrivateKey(privateKey);
		Arrays.fill(privateKey, (byte) 0);
		if (!Arrays.equals(keyPair.publicKey(), publicKey)) {
			throw corrupt("public key does not match private key");
		}
		NodeIdentity identity = new NodeIdentity(keyPair);
		String storedId = json.path("peerId").asString(null);
		if (storedId != null && !storedId.equals(identity.peerId())) {
			throw corrupt("peer id does not match key");
		}
		return identity;
	}

	private byte[] decode(JsonNode json, String field) {
		String text = json.path(field).asString(null);
		if (text == null) {
			throw corrupt("missing " + field);
		}
		try {
			byte[] value = Base64.getDecoder().decode(text);
			if (value.length != 32) {
				throw corrupt(field + " must be 32 bytes");
			}
			return value;
		}
		catch (IllegalArgumentException ex) {
			throw corrupt(field + " is not base64");
		}
	}

	private IdentityCorruptException corrupt(String reason) {
		return new IdentityCorruptException("Identity file " + this.file + " is corrupt (" + reason
				+ "). Refusing to start with a new identity: restore the file, or delete it to create a new peer id.");
	}

}
