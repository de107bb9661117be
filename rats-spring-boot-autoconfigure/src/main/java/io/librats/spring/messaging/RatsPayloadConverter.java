package io.librats.spring.messaging;

import java.lang.reflect.Type;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts a message's JSON payload to the Java type a listener parameter or a request's caller asks for. One set of
 * rules for both directions of the starter:
 * <ul>
 * <li>{@code JsonNode} (or a subtype the payload is): the payload itself;</li>
 * <li>{@code String}: the text of a JSON string, otherwise the JSON document as text;</li>
 * <li>{@code byte[]}: the Base64 content of a JSON string (how Jackson writes a {@code byte[]} that was sent),
 * otherwise the JSON document as UTF-8;</li>
 * <li>anything else (POJO, record, collection, generic type): Jackson data binding with the application's mapper;
 * JSON {@code null} gives {@code null}.</li>
 * </ul>
 */
public final class RatsPayloadConverter {

	private final JsonMapper mapper;

	public RatsPayloadConverter(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
	}

	/** The mapper this converter binds with. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Converts a payload.
	 * @throws IllegalArgumentException if the payload does not fit the type; the message names the type and the
	 * JSON path that failed, never the payload's values (so Jackson's exception, whose message may quote them, is
	 * not attached)
	 */
	public Object convert(JsonNode payload, Type targetType) {
		JavaType type = this.mapper.constructType(targetType);
		Class<?> raw = type.getRawClass();
		try {
			if (raw.isInstance(payload)) {
				return payload;
			}
			if (raw == String.class) {
				return payload.isString() ? payload.stringValue() : this.mapper.writeValueAsString(payload);
			}
			if (raw == byte[].class) {
				return (payload.isString() || payload.isBinary()) ? payload.binaryValue()
						: this.mapper.writeValueAsBytes(payload);
			}
			return this.mapper.treeToValue(payload, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("cannot convert the payload to " + type.toCanonical() + " (at "
					+ ex.getPathReference() + ": " + ex.getClass().getSimpleName() + ")");
		}
	}

}
