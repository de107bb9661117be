package io.librats.spring.env;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.librats.NodeState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The node's saved state as properties under {@code rats.node.*}, ranked below every source of the application's
 * own configuration. Holds no secret: the identity appears as its peer id and the path of its key file.
 */
public final class NodeStatePropertySource extends MapPropertySource {

	/** Name of the property source in the Environment. */
	public static final String NAME = "ratsNodeState";

	public static final String PEER_ID = "rats.node.peer-id";

	public static final String IDENTITY_FILE = "rats.node.identity-file";

	public static final String NAT_TYPE = "rats.node.nat.type";

	public static final String NAT_PUBLIC_ADDRESS = "rats.node.nat.public-address";

	public static final String NAT_DETECTED_AT = "rats.node.nat.detected-at";

	private NodeStatePropertySource(Map<String, Object> values) {
		super(NAME, values);
	}

	static NodeStatePropertySource of(NodeState state, NatFactsFile.NatFacts nat, Path defaultStateDir) {
		Map<String, Object> values = new ConcurrentHashMap<>();
		if (defaultStateDir != null) {
			values.put("rats.state-dir", defaultStateDir.toString());
		}
		values.put(PEER_ID, state.peerId());
		values.put(IDENTITY_FILE, state.identityFile().toString());
		List<NodeState.KnownPeer> known = state.knownPeers();
		for (int i = 0; i < known.size(); i++) {
			String prefix = "rats.node.known-peers[" + i + "].";
			values.put(prefix + "peer-id", known.get(i).peerId());
			values.put(prefix + "address", known.get(i).address());
			values.put(prefix + "last-seen", known.get(i).lastSeen().toString());
		}
		NodeStatePropertySource source = new NodeStatePropertySource(values);
		if (nat != null) {
			source.putNat(nat);
		}
		return source;
	}

	void putNat(NatFactsFile.NatFacts nat) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put(NAT_TYPE, nat.natType().name());
		if (nat.publicAddress() != null) {
			values.put(NAT_PUBLIC_ADDRESS, nat.publicAddress());
		}
		values.put(NAT_DETECTED_AT, nat.detectedAt().toString());
		this.source.putAll(values);
	}

	/** This environment's node state source, added (last, lowest rank) if there is none yet. */
	static NodeStatePropertySource in(ConfigurableEnvironment environment) {
		synchronized (environment.getPropertySources()) {
			PropertySource<?> existing = environment.getPropertySources().get(NAME);
			if (existing instanceof NodeStatePropertySource source) {
				return source;
			}
			NodeStatePropertySource created = new NodeStatePropertySource(new ConcurrentHashMap<>());
			environment.getPropertySources().addLast(created);
			return created;
		}
	}

}
