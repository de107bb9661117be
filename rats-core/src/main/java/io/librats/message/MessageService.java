package io.librats.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import io.librats.metrics.RatsMetrics;
import io.librats.transport.FrameEncoder;
import io.librats.transport.FrameType;
import io.librats.transport.InboundFrameHandler;
import io.librats.transport.PeerConnection;
import io.librats.transport.PeerNotConnectedException;
import io.librats.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The message API over admitted connections: typed JSON messages, binary messages, request/reply. Handlers run on
 * the peer's ordered executor (or, if asked, on the event loop); a failing handler is logged, counted and, for a
 * request, answered with an error reply.
 */
public final class MessageService implements InboundFrameHandler {

	private static final Logger logger = LoggerFactory.getLogger(MessageService.class);

	private final Map<String, List<Registration>> handlers = new ConcurrentHashMap<>();

	private final List<Registration> binaryHandlers = new CopyOnWriteArrayList<>();

	private final List<MessageTrafficListener> trafficListeners = new CopyOnWriteArrayList<>();

	private final MessageCodec codec;

	private final PendingRequests requests;

	private final RatsMetrics metrics;

	private final Function<String, PeerConnection> connections;

	public MessageService(tools.jackson.databind.json.JsonMapper mapper, RatsMetrics metrics, int maxPendingRequests,
			Function<String, PeerConnection> connections) {
		this.codec = new MessageCodec(mapper);
		this.metrics = metrics;
		this.requests = new PendingRequests(maxPendingRequests, metrics);
		this.connections = connections;
	}

	// --- handler registry -------------------------------------------------------------------------------------

	/** Adds a handler for a message type. */
	public void on(String type, MessageHandler handler, Delivery delivery) {
		MessageHeader.checkType(type);
		Objects.requireNonNull(handler, "handler");
		this.handlers.computeIfAbsent(type, (key) -> new CopyOnWriteArrayList<>())
			.add(new Registration(handler, null, delivery, false));
	}

	/** Adds a handler that runs for the first matching message only, then removes itself. */
	public void once(String type, MessageHandler handler, Delivery delivery) {
		MessageHeader.checkType(type);
		this.handlers.computeIfAbsent(type, (key) -> new CopyOnWriteArrayList<>())
			.add(new Registration(handler, null, delivery, true));
	}

	/** Removes every handler of a type. */
	public void off(String type) {
		this.handlers.remove(type);
	}

	/** Removes one handler of a type. */
	public void off(String type, MessageHandler handler) {
		List<Registration> list = this.handlers.get(type);
		if (list != null) {
			list.removeIf((registration) -> registration.handler == handler);
		}
	}

	public void onBinary(BinaryHandler handler, Delivery delivery) {
		this.binaryHandlers.add(new Registration(null, Objects.requireNonNull(handler, "handler"), delivery, false));
	}

	public void offBinary(BinaryHandler handler) {
		this.binaryHandlers.removeIf((registration) -> registration.binaryHandler == handler);
	}

	/** Adds a listener for every message in and out (see {@link MessageTrafficListener}). */
	public void onTraffic(MessageTrafficListener listener) {
		this.trafficListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	private void traffic(boolean inbound, String type, int bytes) {
		if (this.trafficListeners.isEmpty()) {
			return;
		}
		String folded;
		if (type == null) {
			folded = MessageTrafficListener.BINARY;
		}
		else {
			List<Registration> registered = this.handlers.get(type);
			folded = (registered != null && !registered.isEmpty()) ? type : MessageTrafficListener.OTHER;
		}
		for (MessageTrafficListener listener : this.trafficListeners) {
			try {
				listener.onMessage(inbound, folded, bytes);
			}
			catch (RuntimeException ex) {
				logger.warn("A message traffic listener failed", ex);
			}
		}
	}

	// --- sending ----------------------------------------------------------------------------------------------

	public CompletableFuture<Void> send(String peerId, String type, Object data) {
		MessageHeader.checkType(type);
		PeerConnection connection = this.connections.apply(peerId);
		if (connection == null) {
			return notConnected(peerId);
		}
		return send(connection, new MessageHeader(0, type, 0), data);
	}

	public CompletableFuture<Void> send(PeerConnection connection, String type, Object data) {
		MessageHeader.checkType(type);
		return send(connection, new MessageHeader(0, type, 0), data);
	}

	private CompletableFuture<Void> send(PeerConnection connection, MessageHeader header, Object data) {
		ByteBuf frame;
		try {
			frame = this.codec.encode(connection.alloc(), header, data);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		traffic(false, header.type(), frame.readableBytes());
		return connection.send(frame);
	}

	/**
	 * Sends one message to many peers, serialising it once. Completes with the number of peers it was written to;
	 * a peer that fails (gone, buffer full) is skipped, not an error.
	 */
	public CompletableFuture<Integer> broadcast(Collection<PeerConnection> peers, String type, Object data) {
		MessageHeader.checkType(type);
		if (peers.isEmpty()) {
			return CompletableFuture.completedFuture(0);
		}
		ByteBuf frame;
		try {
			frame = this.codec.encode(peers.iterator().next().alloc(), new MessageHeader(0, type, 0), data);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		List<CompletableFuture<Boolean>> sends = new ArrayList<>(peers.size());
		try {
			for (PeerConnection connection : peers) {
				traffic(false, type, frame.readableBytes());
				sends.add(connection.send(frame.retainedDuplicate()).handle((ok, ex) -> ex == null));
			}
		}
		finally {
			frame.release();
		}
		return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
			.thenApply((ignored) -> (int) sends.stream().filter(CompletableFuture::join).count());
	}

	public CompletableFuture<Void> sendBinary(String peerId, byte[] data) {
		PeerConnection connection = this.connections.apply(peerId);
		if (connection == null) {
			return notConnected(peerId);
		}
		ByteBuf frame = FrameEncoder.copyOf(FrameType.BINARY, data);
		traffic(false, null, frame.readableBytes());
		return connection.send(frame);
	}

	public CompletableFuture<JsonNode> request(String peerId, String type, Object data, Duration timeout) {
		MessageHeader.checkType(type);
		PeerConnection connection = this.connections.apply(peerId);
		if (connection == null) {
			return notConnected(peerId);
		}
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		int id = this.requests.register(connection, reply, timeout);
		if (id < 0) {
			return CompletableFuture.failedFuture(new IllegalStateException("too many outstanding requests to "
					+ peerId));
		}
		send(connection, new MessageHeader(MessageHeader.REQUEST, type, id), data).whenComplete((ignored, ex) -> {
			if (ex != null && this.requests.take(peerId, id) != null) {
				connection.orderedExecutor().execute(() -> reply.completeExceptionally(ex));
			}
		});
		return reply;
	}

	/** Fails the outstanding requests of a peer that disconnected. */
	public void peerGone(PeerConnection connection, String reason) {
		this.requests.failAll(connection, reason);
	}

	private static <T> CompletableFuture<T> notConnected(String peerId) {
		return CompletableFuture.failedFuture(new PeerNotConnectedException("peer " + peerId + " is not connected"));
	}

	// --- receiving (event loop) -------------------------------------------------------------------------------

	@Override
	public void onMessage(PeerConnection connection, ByteBuf body) {
		MessageHeader header = MessageHeader.readFrom(body);
		byte[] json = MessageCodec.copyPayload(body);
		traffic(true, header.type(), json.length);
		if (header.isReply()) {
			CompletableFuture<JsonNode> future = this.requests.take(connection.peerId(), header.correlationId());
			if (future != null) {
				connection.orderedExecutor().execute(() -> completeReply(connection, header, json, future));
			}
			else {
				this.metrics.increment(RatsMetrics.REPLIES_UNMATCHED);
			}
			return;
		}
		IncomingMessage.Replier replier = header.isRequest() ? replier(connection, header) : null;
		List<Registration> registered = this.handlers.get(header.type());
		if (registered == null || registered.isEmpty()) {
			this.metrics.increment(RatsMetrics.MESSAGES_UNHANDLED);
			logger.debug("No handler for message type '{}' from {}", header.type(), connection.peerId());
			if (replier != null) {
				replier.replyError("no handler for message type '" + header.type() + "'");
			}
			return;
		}
		Received received = new Received(connection, header, json, replier);
		deliver(connection, registered, json.length, (registration) -> dispatch(received, registration));
	}

	/**
	 * Runs event-loop handlers now and queues the others as one task on the peer's ordered executor, counting it
	 * against the peer's inbound backlog.
	 */
	private static void deliver(PeerConnection connection, List<Registration> registered, int size,
			Consumer<Registration> invoke) {
		boolean queued = false;
		for (Registration registration : registered) {
			if (registration.delivery == Delivery.IO_THREAD) {
				invoke.accept(registration);
			}
			else {
				queued = true;
			}
		}
		if (queued) {
			connection.inboundQueued(size);
			connection.deliverAfterRead(() -> {
				try {
					for (Registration registration : registered) {
						if (registration.delivery == Delivery.EXECUTOR) {
							invoke.accept(registration);
						}
					}
				}
				finally {
					connection.inboundHandled(size);
				}
			});
		}
	}

	private void dispatch(Received received, Registration registration) {
		MessageHeader header = received.header;
		if (registration.once) {
			if (!registration.fired.compareAndSet(false, true)) {
				return;
			}
			off(header.type(), registration.handler);
		}
		IncomingMessage message = received.message();
		if (message == null) {
			return;
		}
		try {
			registration.handler.onMessage(message);
		}
		catch (Exception | LinkageError | AssertionError ex) {
			this.metrics.increment(RatsMetrics.HANDLER_ERRORS);
			logger.error("Handler for message type '{}' from peer {} failed", header.type(),
					received.connection.peerId(), ex);
			if (received.replier != null) {
				received.replier.replyError("handler for '" + header.type() + "' failed");
			}
		}
	}

	/** One received message, parsed at most once however many handlers it reaches. */
	private final class Received {

		final PeerConnection connection;

		final MessageHeader header;

		final IncomingMessage.Replier replier;

		private byte[] json;

		private IncomingMessage message;

		Received(PeerConnection connection, MessageHeader header, byte[] json, IncomingMessage.Replier replier) {
			this.connection = connection;
			this.header = header;
			this.json = json;
			this.replier = replier;
		}

		/** The parsed message, or {@code null} if its JSON is malformed (reported once). */
		synchronized IncomingMessage message() {
			if (this.json != null) {
				byte[] bytes = this.json;
				this.json = null;
				try {
					this.message = new IncomingMessage(this.connection.peerId(), this.header.type(), codec.decode(bytes),
							this.replier);
				}
				catch (JacksonException | IllegalArgumentException ex) {
					metrics.increment(RatsMetrics.MESSAGES_MALFORMED);
					logger.warn("Dropped message '{}' from {}: malformed JSON ({})", this.header.type(),
							this.connection.peerId(), ex.getMessage());
					if (this.replier != null) {
						this.replier.replyError("malformed JSON");
					}
				}
			}
			return this.message;
		}

	}

	private void completeReply(PeerConnection connection, MessageHeader header, byte[] json,
			CompletableFuture<JsonNode> future) {
		JsonNode data;
		try {
			data = this.codec.decode(json);
		}
		catch (JacksonException ex) {
			this.metrics.increment(RatsMetrics.MESSAGES_MALFORMED);
			future.completeExceptionally(new ProtocolException("malformed JSON in reply from " + connection.peerId()));
			return;
		}
		if (header.isError()) {
			future.completeExceptionally(new RemoteHandlerException("peer " + connection.peerId() + " answered '"
					+ header.type() + "' with an error: " + data.path("error").asString("unknown error")));
		}
		else {
			future.complete(data);
		}
	}

	private IncomingMessage.Replier replier(PeerConnection connection, MessageHeader request) {
		AtomicBoolean replied = new AtomicBoolean();
		return new IncomingMessage.Replier() {

			@Override
			public CompletableFuture<Void> reply(Object data) {
				return answer(0, data);
			}

			@Override
			public CompletableFuture<Void> replyError(String error) {
				ObjectNode body = codec.mapper().createObjectNode().put("error", error);
				return answer(MessageHeader.ERROR, body);
			}

			private CompletableFuture<Void> answer(int extraFlags, Object data) {
				if (!replied.compareAndSet(false, true)) {
					return CompletableFuture.failedFuture(new IllegalStateException("request '" + request.type()
							+ "' from " + connection.peerId() + " was already answered"));
				}
				return send(connection, new MessageHeader(MessageHeader.REPLY | extraFlags, request.type(),
						request.correlationId()), data);
			}

		};
	}

	@Override
	public void onBinary(PeerConnection connection, ByteBuf body) {
		traffic(true, null, body.readableBytes());
		if (this.binaryHandlers.isEmpty()) {
			this.metrics.increment(RatsMetrics.MESSAGES_UNHANDLED);
			return;
		}
		byte[] data = MessageCodec.copyPayload(body);
		deliver(connection, this.binaryHandlers, data.length,
				(registration) -> dispatchBinary(connection, data, registration));
	}

	private void dispatchBinary(PeerConnection connection, byte[] data, Registration registration) {
		try {
			registration.binaryHandler.onBinary(connection.peerId(), data);
		}
		catch (Exception | LinkageError | AssertionError ex) {
			this.metrics.increment(RatsMetrics.HANDLER_ERRORS);
			logger.error("Binary handler for peer {} failed", connection.peerId(), ex);
		}
	}

	private static final class Registration {

		final MessageHandler handler;

		final BinaryHandler binaryHandler;

		final Delivery delivery;

		final boolean once;

		final AtomicBoolean fired = new AtomicBoolean();

		Registration(MessageHandler handler, BinaryHandler binaryHandler, Delivery delivery, boolean once) {
			this.handler = handler;
			this.binaryHandler = binaryHandler;
			this.delivery = Objects.requireNonNull(delivery, "delivery");
			this.once = once;
		}

	}

}
