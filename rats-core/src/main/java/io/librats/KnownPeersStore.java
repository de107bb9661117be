package io.librats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.librats.config.AtomicFiles;
import io.librats.config.PeerAddress;
import io.librats.identity.PeerIds;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Peers this node has been connected to, with an address to dial them again, kept in {@code known-peers.json}.
 * Bounded: past the limit the least recently seen peer is forgotten. Thread-safe.
 */
final class KnownPeersStore {

	static final String FILE_NAME = "known-peers.json";

	private final Path file;

	private final int limit;

	private final JsonMapper mapper;

	private final Map<String, KnownPeer> peers = new LinkedHashMap<>();

	private boolean dirty;

	private final Object saveLock = new Object();

	record KnownPeer(String peerId, PeerAddress address, long lastSeenMillis) {
	}

	KnownPeersStore(Path stateDir, int limit, JsonMapper mapper) {
		this.file = (stateDir != null) ? stateDir.resolve(FILE_NAME) : null;
		this.limit = limit;
		this.mapper = mapper;
	}

	/** The file, or {@code null} without a state directory. */
	Path file() {
		return this.file;
	}

	synchronized void load() throws IOException {
		if (this.file == null) {
			return;
		}
		byte[] content;
		try {
			content = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		try {
			JsonNode root = this.mapper.readTree(content);
			if (root == null || root.path("version").asInt(-1) != 1 || !root.path("peers").isArray()) {
				throw corrupt("not a version 1 known-peers file");
			}
			for (JsonNode entry : root.path("peers")) {
				String peerId = entry.path("peerId").asString(null);
				if (!PeerIds.isWellFormed(peerId)) {
					throw corrupt("malformed peer id");
				}
				PeerAddress address = new PeerAddress(entry.path("host").asString(""), entry.path("port").asInt(-1));
				put(new KnownPeer(peerId, address, entry.path("lastSeen").asLong(0)));
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw corrupt(ex.getMessage());
		}
		this.dirty = false;
	}

	private IOException corrupt(String reason) {
		return new IOException("Known peers file " + this.file + " is corrupt (" + reason
				+ "); fix or delete it to start with no known peers");
	}

	synchronized void record(String peerId, PeerAddress address) {
		put(new KnownPeer(peerId, address, System.currentTimeMillis()));
		this.dirty = true;
	}

	private void put(KnownPeer peer) {
		this.peers.remove(peer.peerId());
		this.peers.put(peer.peerId(), peer);
		while (this.peers.size() > this.limit) {
			String oldest = this.peers.values().stream().min(Comparator.comparingLong(KnownPeer::lastSeenMillis))
				.map(KnownPeer::peerId).orElseThrow();
			this.peers.remove(oldest);
		}
	}

	synchronized List<KnownPeer> peers() {
		return new ArrayList<>(this.peers.values());
	}

	/**
	 * Writes the file if anything changed since the last save. The disk write happens outside the lock that
	 * {@link #record} takes on an event loop, so no event loop ever waits for an fsync.
	 */
	void saveIfDirty() throws IOException {
		if (this.file == null) {
			return;
		}
		synchronized (this.saveLock) {
			List<KnownPeer> snapshot;
			synchronized (this) {
				if (!this.dirty) {
					return;
				}
				snapshot = new ArrayList<>(this.peers.values());
				this.dirty = false;
			}
			ObjectNode root = this.mapper.createObjectNode().put("version", 1);
			ArrayNode array = root.putArray("peers");
			for (KnownPeer peer : snapshot) {
				array.addObject().put("peerId", peer.peerId()).put("host", peer.address().host())
					.put("port", peer.address().port()).put("lastSeen", peer.lastSeenMillis());
			}
			try {
				AtomicFiles.write(this.file, this.mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
			}
			catch (IOException ex) {
				synchronized (this) {
					this.dirty = true;
				}
				throw ex;
			}
		}
	}

}
