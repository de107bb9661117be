package io.librats.spring.messaging.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.librats.spring.messaging.config.RatsListenerBootstrapConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Turns {@link RatsListener} methods into listeners of the context's {@code RatsClient}. The starter applies it
 * unless the application has already; an application without auto-configuration puts it on a configuration class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(RatsListenerBootstrapConfiguration.class)
public @interface EnableRats {

}
