package io.librats.spring.messaging.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.librats.message.Delivery;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the handler of one or more rats message types.
 *
 * <p>The message's JSON payload is converted to the type of the method's payload parameter (the one without another
 * binding annotation): a POJO or record, {@code JsonNode}, {@code String} or {@code byte[]}. Other parameters may be
 * {@link PeerId @PeerId String} (the sender), {@link MessageType @MessageType String} (the type it arrived as), and
 * {@link io.librats.message.IncomingMessage} (the raw message). A {@code @Valid} payload is validated when the
 * application has a {@code Validator}.
 *
 * <p>A non-null return value, or the value a returned {@code CompletionStage} completes with, answers a request (a
 * message sent with {@code request}). For a plain message it is sent to the sender as a message of
 * {@link #replyType()} when one is set, and dropped otherwise. A listener's exception is logged with the message
 * type and peer id, counted in {@code handler.errors}, handed to the {@link #errorHandler()} and, for a request,
 * answered with an error reply; it never affects the connection.
 *
 * <p>Every string attribute resolves {@code ${...}} placeholders and {@code #{...}} expressions. The annotation is
 * repeatable and works as a meta-annotation.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(RatsListeners.class)
public @interface RatsListener {

	/** Alias for {@link #types()}. */
	@AliasFor("types")
	String[] value() default {};

	/** The message types this method handles; an expression may resolve to a string, array or collection. */
	@AliasFor("value")
	String[] types() default {};

	/**
	 * The id of the listener container in {@code RatsListenerEndpointRegistry}, also used in log lines. Unique per
	 * application context; {@code beanName.methodName} when empty.
	 */
	String id() default "";

	/** The name of a {@link io.librats.spring.messaging.RatsListenerErrorHandler} bean told about failures. */
	String errorHandler() default "";

	/** The message type under which a return value is sent back for a message that is not a request. */
	String replyType() default "";

	/**
	 * Where the method runs: on the node's handler pool in per-peer order (the default), or on the connection's I/O
	 * thread, where it must never block.
	 */
	Delivery delivery() default Delivery.EXECUTOR;

}
