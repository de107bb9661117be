package io.librats.spring.metrics;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.metrics.RatsMetrics;
import io.librats.transport.PeerInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes a rats node to Micrometer, under {@code rats.*}, with low-cardinality tags only (never a peer id):
 * <ul>
 * <li>{@code rats.peers.connected}: gauge of connected peers;</li>
 * <li>{@code rats.connection.attempts}: timer per attempt, tagged {@code method} and {@code outcome}
 * ({@code success}/{@code failure}), so attempted = all, succeeded and failed by method;</li>
 * <li>{@code rats.handshakes}: timer of completed handshakes, tagged {@code direction};</li>
 * <li>{@code rats.messages} and {@code rats.messages.bytes}: counters tagged {@code direction} ({@code in}/{@code out})
 * and {@code type}, where the type is the message's own only if a handler is registered for it, else {@code other};</li>
 * <li>every core counter of {@link RatsMetrics} as {@code rats.<name>}, among them {@code rats.handler.errors}
 * (listener errors) and {@code rats.frames.malformed} (malformed frames dropped).</li>
 * </ul>
 */
public class RatsMeterBinder implements MeterBinder {

	private final RatsClient client;

	public RatsMeterBinder(RatsClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("rats.peers.connected", this.client, RatsClient::peerCount)
			.description("Peers connected now")
			.register(registry);
		RatsMetrics metrics = this.client.metrics();
		for (String name : coreCounterNames()) {
			FunctionCounter.builder("rats." + name, metrics, (m) -> m.get(name))
				.description("rats core counter " + name)
				.register(registry);
		}
		this.client.onConnectionAttempt((result) -> Timer.builder("rats.connection.attempts")
			.description("Connection attempts and their duration")
			.tag("method", result.method().name().toLowerCase(Locale.ROOT))
			.tag("outcome", result.success() ? "success" : "failure")
			.register(registry)
			.record(result.duration()));
		this.client.addConnectionListener(new ConnectionListener() {
			@Override
			public void onPeerConnected(PeerInfo peer) {
				Duration handshake = peer.handshakeDuration();
				if (handshake != null) {
					Timer.builder("rats.handshakes")
						.description("Completed rats handshakes (Noise and HELLO) and their duration")
						.tag("direction", peer.direction().name().toLowerCase(Locale.ROOT))
						.register(registry)
						.record(handshake);
				}
			}
		});
		Map<String, TrafficMeters> byType = new ConcurrentHashMap<>();
		this.client.onMessageTraffic((inbound, type, bytes) -> byType
			.computeIfAbsent((inbound ? "in:" : "out:") + type, (key) -> TrafficMeters.of(registry, inbound, type))
			.record(bytes));
	}

	/** The two meters of one direction and message type, looked up once. */
	private record TrafficMeters(Counter messages, Counter bytes) {

		static TrafficMeters of(MeterRegistry registry, boolean inbound, String type) {
			String direction = inbound ? "in" : "out";
			return new TrafficMeters(
					Counter.builder("rats.messages").description("Messages by direction and type")
						.tag("direction", direction).tag("type", type).register(registry),
					Counter.builder("rats.messages.bytes").baseUnit("bytes")
						.description("Message bytes by direction and type")
						.tag("direction", direction).tag("type", type).register(registry));
		}

		void record(int size) {
			this.messages.increment();
			this.bytes.increment(size);
		}

	}

	/** The names of the core's counters: the public string constants of {@link RatsMetrics}. */
	static List<String> coreCounterNames() {
		List<String> names = new ArrayList<>();
		for (Field field : RatsMetrics.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
				try {
					names.add((String) field.get(null));
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return names;
	}

}
