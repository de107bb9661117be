package io.librats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.librats.identity.IdentityCorruptException;
import io.librats.identity.IdentityStore;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a node keeps in its state directory, read without starting a node: for tools and for the Spring starter,
 * which shows it in the application's environment. Never holds the private key.
 *
 * @param peerId the node's peer id
 * @param identityFile the file holding the node's key pair
 * @param knownPeers peers the node will dial again at start, least recently seen first
 */
public record NodeState(String peerId, Path identityFile, List<KnownPeer> knownPeers) {

	/**
	 * A peer remembered from an earlier connection.
	 *
	 * @param peerId its id
	 * @param address {@code host:port} to dial
	 * @param lastSeen when it was last connected
	 */
	public record KnownPeer(String peerId, String address, Instant lastSeen) {
	}

	public NodeState {
		Objects.requireNonNull(peerId, "peerId");
		Objects.requireNonNull(identityFile, "identityFile");
		knownPeers = List.copyOf(knownPeers);
	}

	/**
	 * Reads the state directory, creating the identity when there is none yet (as the node would at construction).
	 * @throws StateFileCorruptException naming the file when a state file exists but is unusable
	 * @throws RatsException when the identity cannot be created
	 */
	public static NodeState load(Path stateDir) {
		IdentityStore identities = new IdentityStore(stateDir);
		String peerId;
		try {
			peerId = identities.loadOrCreate().peerId();
		}
		catch (IdentityCorruptException ex) {
			throw new StateFileCorruptException(identities.file(), ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new RatsException("Cannot read or create the node identity in " + stateDir + ": " + ex.getMessage(),
					ex);
		}
		KnownPeersStore store = new KnownPeersStore(stateDir, Integer.MAX_VALUE, JsonMapper.builder().build());
		try {
			store.load();
		}
		catch (IOException ex) {
			throw new StateFileCorruptException(store.file(), ex.getMessage(), ex);
		}
		List<KnownPeer> known = store.peers().stream()
			.map((peer) -> new KnownPeer(peer.peerId(), peer.address().toString(),
					Instant.ofEpochMilli(peer.lastSeenMillis())))
			.toList();
		return new NodeState(peerId, identities.file(), known);
	}

	/** Whether the directory holds any state file of a node. */
	public static boolean exists(Path stateDir) {
		return Files.exists(stateDir.resolve(IdentityStore.FILE_NAME))
				|| Files.exists(stateDir.resolve(KnownPeersStore.FILE_NAME));
	}

}
