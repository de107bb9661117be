package io.librats.dht;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.librats.config.AtomicFiles;

/**
 * The DHT's state in the node's state directory, {@value #FILE_NAME}: a bencoded dictionary
 * {@code {"version": 1, "id": <20 bytes>, "nodes": <compact IPv4 node infos>, "nodes6": <compact IPv6 node infos>}}
 * written with {@link AtomicFiles}. A restarted node reuses its id and pings the saved nodes, so it does not need
 * bootstrap routers. A missing or unreadable file is not an error: the DHT starts fresh.
 */
final class DhtStateFile {

	static final String FILE_NAME = "dht-state.dat";

	/** Saved nodes at most (the routing table rarely holds more). */
	static final int MAX_NODES = 400;

	/** What was saved. */
	record State(NodeId id, List<Contact> nodes) {
	}

	private final Path file;

	DhtStateFile(Path stateDir) {
		this.file = stateDir.resolve(FILE_NAME);
	}

	Path file() {
		return this.file;
	}

	/** The saved state, or {@code null} when there is none. */
	State load() throws IOException {
		byte[] content;
		try {
			content = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		try {
			if (!(Bencode.decode(content) instanceof Map<?, ?> map) || !(map.get("version") instanceof Long version)
					|| version != 1 || !(map.get("id") instanceof byte[] id) || id.length != NodeId.LENGTH) {
				throw new IOException(this.file + " is not a version 1 DHT state file");
			}
			List<Contact> nodes = new ArrayList<>();
			for (String key : List.of("nodes", "nodes6")) {
				if (map.get(key) instanceof byte[] compact) {
					List<Contact> parsed = Compact.parseNodes(compact, key.equals("nodes6"));
					if (parsed == null) {
						throw new IOException(this.file + ": malformed " + key);
					}
					nodes.addAll(parsed);
				}
			}
			return new State(NodeId.of(id), nodes.subList(0, Math.min(nodes.size(), MAX_NODES)));
		}
		catch (BencodeException ex) {
			throw new IOException(this.file + " is not valid bencode: " + ex.getMessage(), ex);
		}
	}

	static byte[] encode(NodeId id, List<Contact> nodes) {
		List<Contact> bounded = nodes.subList(0, Math.min(nodes.size(), MAX_NODES));
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("version", 1L);
		map.put("id", id.toBytes());
		map.put("nodes", Compact.nodes(bounded, false));
		map.put("nodes6", Compact.nodes(bounded, true));
		return Bencode.encode(map);
	}

	void save(byte[] encoded) throws IOException {
		AtomicFiles.write(this.file, encoded);
	}

}
