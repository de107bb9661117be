package io.librats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.librats.config.RatsConfig;
import io.librats.transport.NetworkBinding;
import io.librats.transport.TcpBinding;

/**
 * Starts nodes on loopback with ephemeral ports and stops all of them at the end of a test, failures included.
 * Use as a JUnit field closed in {@code @AfterEach}.
 */
public final class TestNodes implements AutoCloseable {

	private final List<RatsClient> nodes = new ArrayList<>();

	public static RatsConfig.Builder loopbackConfig() {
		return RatsConfig.builder()
			.listenAddress(null)
			.listenPort(0)
			.handshakeTimeout(Duration.ofSeconds(5))
			.connectTimeout(Duration.ofSeconds(5))
			.reconnectInitialDelay(Duration.ofMillis(100))
			.reconnectMaxDelay(Duration.ofSeconds(1));
	}

	public RatsClient start() {
		return start(UnaryOperator.identity());
	}

	public RatsClient start(UnaryOperator<RatsConfig.Builder> customizer) {
		RatsConfig config = customizer.apply(loopbackConfig()).build();
		return start(config, TcpBinding.select(config.nativeTransport()));
	}

	public RatsClient start(RatsConfig config, NetworkBinding binding) {
		RatsClient node = create(config, binding);
		node.start();
		return node;
	}

	/** A node that is created (identity loaded) but not started. */
	public RatsClient create(RatsConfig config, NetworkBinding binding) {
		RatsClient node = new RatsClient(config, binding);
		this.nodes.add(node);
		return node;
	}

	public RatsClient startWithState(Path stateDir, UnaryOperator<RatsConfig.Builder> customizer) {
		return start((b) -> customizer.apply(b.stateDir(stateDir)));
	}

	/**
	 * Records "peerId: reason" for every disconnection a node reports. Prefer waiting on this over polling
	 * {@code isConnected}: a node that dialed may reconnect within one poll interval.
	 */
	public static List<String> recordDisconnects(RatsClient node) {
		List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
		node.addConnectionListener(new ConnectionListener() {
			@Override
			public void onPeerDisconnected(io.librats.transport.PeerInfo peer, String reason) {
				reasons.add(peer.peerId() + ": " + reason);
			}
		});
		return reasons;
	}

	@Override
	public void close() {
		for (RatsClient node : this.nodes) {
			node.stop();
		}
		this.nodes.clear();
	}

}
