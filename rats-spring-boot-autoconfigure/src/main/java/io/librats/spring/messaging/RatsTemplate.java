package io.librats.spring.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Sends rats messages from application code: the counterpart of
 * {@link io.librats.spring.messaging.annotation.RatsListener}. Payloads are anything Jackson can write; replies are
 * converted as {@link RatsPayloadConverter} describes.
 *
 * <p>The futures of {@code send} and {@code broadcast} complete on the connection's I/O thread; a request's future
 * completes on the peer's handler thread (or the I/O thread if the peer leaves). Chain blocking work with the
 * {@code ...Async} methods.
 */
public interface RatsTemplate {

	/**
	 * Sends a message to one peer. Completes when it is written to the socket; fails if the peer is not connected,
	 * its outbound buffer is full or the payload cannot be written.
	 */
	CompletableFuture<Void> send(String peerId, String type, Object payload);

	/** Sends a message to every connected peer; completes with how many it was written to. */
	CompletableFuture<Integer> broadcast(String type, Object payload);

	/**
	 * Sends a request and converts its reply, waiting the default request timeout
	 * ({@code rats.messaging.request-timeout}).
	 * @see #request(String, String, Object, Class, Duration)
	 */
	<T> CompletableFuture<T> request(String peerId, String type, Object payload, Class<T> responseType);

	/**
	 * Sends a request and converts its reply. The future fails with {@link java.util.concurrent.TimeoutException}
	 * when no reply comes within {@code timeout}, with {@link io.librats.message.RemoteHandlerException} when the peer
	 * answers with an error (no listener, or its listener failed), with
	 * {@link io.librats.transport.PeerNotConnectedException} when the peer is or goes away, and with
	 * {@link IllegalArgumentException} when the reply does not convert to {@code responseType}.
	 */
	<T> CompletableFuture<T> request(String peerId, String type, Object payload, Class<T> responseType,
			Duration timeout);

	/** As {@link #request(String, String, Object, Class)}, for a generic reply type such as {@code List<Item>}. */
	<T> CompletableFuture<T> request(String peerId, String type, Object payload,
			ParameterizedTypeReference<T> responseType);

	/** As {@link #request(String, String, Object, Class, Duration)}, for a generic reply type. */
	<T> CompletableFuture<T> request(String peerId, String type, Object payload,
			ParameterizedTypeReference<T> responseType, Duration timeout);

}
