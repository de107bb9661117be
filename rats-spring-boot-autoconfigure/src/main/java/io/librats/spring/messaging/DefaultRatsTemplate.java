package io.librats.spring.messaging;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.librats.RatsClient;
import org.springframework.core.ParameterizedTypeReference;

/** The {@link RatsTemplate} over a {@link RatsClient}. Thread-safe. */
public class DefaultRatsTemplate implements RatsTemplate {

	private final RatsClient client;

	private final RatsPayloadConverter converter;

	private final Duration defaultTimeout;

	/**
	 * @param client the node to send with
	 * @param converter converts replies (use the same mapper as the listeners)
	 * @param defaultTimeout how long a request without its own timeout waits for its reply
	 */
	public DefaultRatsTemplate(RatsClient client, RatsPayloadConverter converter, Duration defaultTimeout) {
		this.client = Objects.requireNonNull(client, "client");
		this.converter = Objects.requireNonNull(converter, "converter");
		this.defaultTimeout = checkTimeout(defaultTimeout);
	}

	@Override
	public CompletableFuture<Void> send(String peerId, String type, Object payload) {
		return this.client.send(peerId, type, payload);
	}

	@Override
	public CompletableFuture<Integer> broadcast(String type, Object payload) {
		return this.client.send(type, payload);
	}

	@Override
	public <T> CompletableFuture<T> request(String peerId, String type, Object payload, Class<T> responseType) {
		return request(peerId, type, payload, responseType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String peerId, String type, Object payload, Class<T> responseType,
			Duration timeout) {
		return requestAs(peerId, type, payload, Objects.requireNonNull(responseType, "responseType"), timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String peerId, String type, Object payload,
			ParameterizedTypeReference<T> responseType) {
		return request(peerId, type, payload, responseType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String peerId, String type, Object payload,
			ParameterizedTypeReference<T> responseType, Duration timeout) {
		return requestAs(peerId, type, payload, Objects.requireNonNull(responseType, "responseType").getType(),
				timeout);
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> requestAs(String peerId, String type, Object payload, Type responseType,
			Duration timeout) {
		return this.client.request(peerId, type, payload, checkTimeout(timeout))
			.thenApply((reply) -> (T) this.converter.convert(reply, responseType));
	}

	private static Duration checkTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("request timeout must be positive: " + timeout);
		}
		return timeout;
	}

	@Override
	public String toString() {
		return "DefaultRatsTemplate[peerId=" + this.client.peerId() + ", defaultTimeout=" + this.defaultTimeout + "]";
	}

}
