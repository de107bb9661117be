package io.librats.spring.messaging.config;

import io.librats.message.IncomingMessage;
import io.librats.spring.messaging.RatsMessageHeaders;
import io.librats.spring.messaging.annotation.MessageType;
import io.librats.spring.messaging.annotation.PeerId;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/**
 * Binds what rats knows about a message besides its payload: {@link PeerId @PeerId}, {@link MessageType @MessageType}
 * and the raw {@link IncomingMessage}. Placed before the payload resolver, which takes every parameter left over.
 */
final class RatsHeaderArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return headerName(parameter) != null;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, Message<?> message) {
		return message.getHeaders().get(headerName(parameter));
	}

	private static String headerName(MethodParameter parameter) {
		if (parameter.hasParameterAnnotation(PeerId.class)) {
			return RatsMessageHeaders.PEER_ID;
		}
		if (parameter.hasParameterAnnotation(MessageType.class)) {
			return RatsMessageHeaders.MESSAGE_TYPE;
		}
		if (parameter.getParameterType() == IncomingMessage.class) {
			return RatsMessageHeaders.INCOMING_MESSAGE;
		}
		return null;
	}

	/**
	 * Checks at startup what would otherwise fail on every message: {@code @PeerId} and {@code @MessageType} bind
	 * strings only.
	 */
	static void checkParameters(RatsListenerEndpoint endpoint) {
		for (int i = 0; i < endpoint.method().getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(endpoint.method(), i);
			boolean annotated = parameter.hasParameterAnnotation(PeerId.class)
					|| parameter.hasParameterAnnotation(MessageType.class);
			if (annotated && !parameter.getParameterType().isAssignableFrom(String.class)) {
				throw new IllegalStateException("Parameter " + i + " of @RatsListener " + endpoint
						+ " is bound to the peer id or message type, which is a String, but is declared as "
						+ parameter.getParameterType().getName());
			}
		}
	}

}
