package io.librats.spring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionStrategy;
import io.librats.RatsClient;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/rats}: the node, its peers and discovery ({@code GET}); {@code GET /actuator/rats/nat} the NAT
 * view and {@code GET /actuator/rats/peers} the peers alone; {@code POST /actuator/rats} with
 * {@code {"host": ..., "port": ..., "strategy": ...}} connects to a peer; {@code DELETE /actuator/rats/{peerId}}
 * disconnects one. Exposure and security are Spring Boot's, as for every endpoint.
 */
@Endpoint(id = "rats")
public class RatsEndpoint {

	private final RatsClient client;

	private final RatsNodeReport report;

	private final ConnectionStrategy defaultStrategy;

	public RatsEndpoint(RatsClient client, RatsNodeReport report, ConnectionStrategy defaultStrategy) {
		this.client = client;
		this.report = report;
		this.defaultStrategy = defaultStrategy;
	}

	@ReadOperation
	public Map<String, Object> rats() {
		return this.report.summary();
	}

	/** One section: {@code nat} or {@code peers}; anything else is not found. */
	@ReadOperation
	public @Nullable Object section(@Selector String section) {
		return switch (section) {
			case "nat" -> this.report.nat();
			case "peers" -> this.report.peers();
			default -> null;
		};
	}

	/** Connects to a peer and waits for the outcome (bounded by the connect and handshake timeouts). */
	@WriteOperation
	public Map<String, Object> connect(String host, int port, @Nullable ConnectionStrategy strategy) {
		Duration limit = this.client.config().connectTimeout().plus(this.client.config().handshakeTimeout())
			.plusSeconds(5);
		ConnectionAttemptResult result;
		try {
			result = this.client.connectToPeer(host, port, (strategy != null) ? strategy : this.defaultStrategy)
				.get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Map.of("success", false, "error", "interrupted");
		}
		catch (ExecutionException | TimeoutException ex) {
			return Map.of("success", false, "error", "no outcome within " + limit.toMillis() + " ms");
		}
		Map<String, Object> outcome = new LinkedHashMap<>();
		outcome.put("success", result.success());
		outcome.put("peerId", result.peerId());
		outcome.put("method", result.method());
		outcome.put("durationMillis", result.duration().toNanos() / 1_000_000.0);
		outcome.put("error", result.error());
		return outcome;
	}

	/** Disconnects a peer with a goodbye; it is not dialed again unless it is a static peer. */
	@DeleteOperation
	public Map<String, Object> disconnect(@Selector String peerId) {
		boolean connected = this.client.isConnected(peerId);
		if (connected) {
			this.client.disconnectPeer(peerId);
		}
		return Map.of("peerId", peerId, "disconnected", connected);
	}

}
