package io.librats.spring.messaging.config;

import java.lang.reflect.Type;

import io.librats.spring.messaging.RatsPayloadConverter;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.SmartMessageConverter;
import tools.jackson.databind.JsonNode;

/**
 * Lets spring-messaging's payload resolver convert a message's {@link JsonNode} to the listener parameter's full
 * generic type with {@link RatsPayloadConverter}. Inbound only.
 */
final class JsonPayloadMessageConverter implements SmartMessageConverter {

	private final RatsPayloadConverter converter;

	JsonPayloadMessageConverter(RatsPayloadConverter converter) {
		this.converter = converter;
	}

	@Override
	public Object fromMessage(Message<?> message, Class<?> targetClass) {
		return fromMessage(message, targetClass, null);
	}

	@Override
	public Object fromMessage(Message<?> message, Class<?> targetClass, Object conversionHint) {
		if (!(message.getPayload() instanceof JsonNode payload)) {
			return null;
		}
		Type type = (conversionHint instanceof MethodParameter parameter) ? parameter.getNestedGenericParameterType()
				: targetClass;
		try {
			return this.converter.convert(payload, type);
		}
		catch (IllegalArgumentException ex) {
			throw new MessageConversionException(ex.getMessage());
		}
	}

	@Override
	public Message<?> toMessage(Object payload, MessageHeaders headers) {
		return null;
	}

	@Override
	public Message<?> toMessage(Object payload, MessageHeaders headers, Object conversionHint) {
		return null;
	}

}
