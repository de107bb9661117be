package io.librats.spring.messaging.config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.librats.RatsClient;
import io.librats.message.IncomingMessage;
import io.librats.message.MessageHandler;
import io.librats.metrics.RatsMetrics;
import io.librats.spring.messaging.ListenerExecutionFailedException;
import io.librats.spring.messaging.RatsPayloadConverter;
import io.librats.transport.PeerNotConnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import tools.jackson.databind.JsonNode;

/**
 * Runs one {@code @RatsListener} method for each message: builds the spring-messaging message, lets the handler
 * method resolve its arguments and invoke the bean (through its proxy, if any), then answers with the return value or
 * reports the failure. Never throws into the client.
 */
final class RatsListenerMethodAdapter implements MessageHandler {

	private static final Logger logger = LoggerFactory.getLogger(RatsListenerMethodAdapter.class);

	private final RatsListenerEndpoint endpoint;

	private final MessageHandlerMethodFactory methodFactory;

	private final RatsClient client;

	private final RatsPayloadConverter converter;

	private final AtomicBoolean warnedUnansweredReturn = new AtomicBoolean();

	private volatile InvocableHandlerMethod handlerMethod;

	RatsListenerMethodAdapter(RatsListenerEndpoint endpoint, MessageHandlerMethodFactory methodFactory,
			RatsClient client, RatsPayloadConverter converter) {
		this.endpoint = endpoint;
		this.methodFactory = methodFactory;
		this.client = client;
		this.converter = converter;
	}

	@Override
	public void onMessage(IncomingMessage incoming) {
		Object result;
		try {
			result = handlerMethod().invoke(new RatsInboundMessage(incoming));
		}
		catch (Exception | LinkageError | AssertionError ex) {
			failed(incoming, ex);
			return;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					failed(incoming, unwrap(ex));
				}
				else {
					answer(incoming, value);
				}
			});
		}
		else {
			answer(incoming, result);
		}
	}

	/** The bean's handler method, created on the first message so lazy and scoped beans are resolved late. */
	private InvocableHandlerMethod handlerMethod() {
		InvocableHandlerMethod method = this.handlerMethod;
		if (method == null) {
			synchronized (this) {
				method = this.handlerMethod;
				if (method == null) {
					Object bean = this.endpoint.bean().get();
					method = this.methodFactory.createInvocableHandlerMethod(bean, this.endpoint.invocableMethod(bean));
					this.handlerMethod = method;
				}
			}
		}
		return method;
	}

	/** Sends a listener's non-null result back to the sender; one that cannot be written is a listener failure. */
	private void answer(IncomingMessage incoming, Object value) {
		if (value == null) {
			return;
		}
		JsonNode reply = toJson(value);
		if (reply == null) {
			failed(incoming, new IllegalArgumentException("cannot write the return value of type "
					+ value.getClass().getName() + " as JSON"));
			return;
		}
		send(incoming, reply);
	}

	/**
	 * Writes a reply with the listeners' mapper here, so a value that cannot be written is noticed while a request
	 * can still get its error reply, instead of a reply that silently never leaves. {@code null} if it cannot.
	 */
	private JsonNode toJson(Object value) {
		try {
			return this.converter.mapper().valueToTree(value);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private void send(IncomingMessage incoming, JsonNode reply) {
		if (incoming.isRequest()) {
			incoming.reply(reply).whenComplete((ignored, ex) -> logSendFailure("reply", incoming, ex));
		}
		else if (this.endpoint.replyType() != null) {
			CompletableFuture<Void> sent;
			try {
				sent = this.client.send(incoming.peerId(), this.endpoint.replyType(), reply);
			}
			catch (IllegalArgumentException ex) {
				sent = CompletableFuture.failedFuture(ex); // a replyType the protocol refuses, e.g. too long
			}
			sent.whenComplete((ignored, ex) -> logSendFailure("'" + this.endpoint.replyType() + "' message", incoming,
					ex));
		}
		else if (this.warnedUnansweredReturn.compareAndSet(false, true)) {
			logger.warn("Listener '{}' returned a value for message '{}', which is not a request and the listener has "
					+ "no replyType: the value is dropped (warned once)", this.endpoint.id(), incoming.type());
		}
	}

	/** A peer that has gone is routine; anything else (buffer full, a bad reply type) deserves a warning. */
	private void logSendFailure(String what, IncomingMessage incoming, Throwable ex) {
		if (ex == null) {
			return;
		}
		Throwable cause = unwrap(ex);
		if (cause instanceof PeerNotConnectedException) {
			logger.debug("Could not send the {} of listener '{}' to peer {}: {}", what, this.endpoint.id(),
					incoming.peerId(), cause.getMessage());
		}
		else {
			logger.warn("Could not send the {} of listener '{}' to peer {}: {}", what, this.endpoint.id(),
					incoming.peerId(), cause.toString());
		}
	}

	/** Counts, logs, tells the error handler and, for a request, answers with an error unless the handler did. */
	private void failed(IncomingMessage incoming, Throwable ex) {
		this.client.metrics().increment(RatsMetrics.HANDLER_ERRORS);
		String rejection = describePayloadProblem(ex);
		if (rejection != null) {
			logger.warn("Listener '{}' rejected message '{}' from peer {}: {}", this.endpoint.id(), incoming.type(),
					incoming.peerId(), rejection);
		}
		else {
			logger.error("Listener '{}' failed on message '{}' from peer {}", this.endpoint.id(), incoming.type(),
					incoming.peerId(), ex);
		}
		if (this.endpoint.errorHandler() != null) {
			try {
				Object handled = this.endpoint.errorHandler()
					.handleError(incoming, new ListenerExecutionFailedException(this.endpoint.id(), incoming.type(),
							incoming.peerId(), ex));
				JsonNode reply = (handled != null) ? toJson(handled) : null;
				if (reply != null) {
					send(incoming, reply);
					return;
				}
				if (handled != null) {
					logger.error("Error handler of listener '{}' returned a {}, which cannot be written as JSON",
							this.endpoint.id(), handled.getClass().getName());
				}
			}
			catch (Exception | LinkageError | AssertionError handlerFailure) {
				logger.error("Error handler of listener '{}' failed on message '{}' from peer {}", this.endpoint.id(),
						incoming.type(), incoming.peerId(), handlerFailure);
			}
		}
		if (incoming.isRequest()) {
			String error = (rejection != null) ? "invalid payload for '" + incoming.type() + "': " + rejection
					: "listener for '" + incoming.type() + "' failed";
			incoming.replyError(error).whenComplete((ignored, sendFailure) -> logSendFailure("error reply", incoming,
					sendFailure));
		}
	}

	/**
	 * What is wrong with a payload that failed conversion or validation, naming fields and constraints but never the
	 * rejected values; {@code null} for any other failure.
	 */
	static String describePayloadProblem(Throwable ex) {
		if (ex instanceof MethodArgumentNotValidException invalid && invalid.getBindingResult() != null) {
			return invalid.getBindingResult()
				.getAllErrors()
				.stream()
				.map(RatsListenerMethodAdapter::describe)
				.sorted()
				.collect(Collectors.joining(", "));
		}
		if (ex instanceof MessageConversionException) {
			return ex.getMessage();
		}
		if (ex instanceof MethodArgumentResolutionException) {
			return "argument " + ((MethodArgumentResolutionException) ex).getMethodParameter().getParameterIndex()
					+ " cannot be resolved";
		}
		return null;
	}

	private static String describe(ObjectError error) {
		String field = (error instanceof FieldError fieldError) ? fieldError.getField() : error.getObjectName();
		return field + " " + error.getDefaultMessage();
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
