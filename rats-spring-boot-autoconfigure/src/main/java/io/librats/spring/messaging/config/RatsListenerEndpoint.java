package io.librats.spring.messaging.config;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;

import io.librats.message.Delivery;
import io.librats.spring.messaging.RatsListenerErrorHandler;
import org.springframework.aop.support.AopUtils;

/**
 * One {@code @RatsListener}: a bean method and the resolved annotation values.
 *
 * @param id the container id
 * @param types the message types, resolved
 * @param beanName the bean's name, for messages
 * @param bean supplies the bean to invoke: the instance, or a lookup for a bean that is created later (lazy or scoped)
 * @param method the annotated method, found on the bean's target class
 * @param errorHandler told about failures, or {@code null}
 * @param replyType the type return values to plain messages are sent as, or {@code null}
 * @param delivery where the method runs
 */
record RatsListenerEndpoint(String id, List<String> types, String beanName, Supplier<Object> bean, Method method,
		RatsListenerErrorHandler errorHandler, String replyType, Delivery delivery) {

	/**
	 * The method to invoke on {@code bean}: the annotated one, or for a JDK dynamic proxy the same method on one of
	 * its interfaces, so the call goes through the proxy and its advice.
	 * @throws IllegalStateException if the proxy cannot delegate the method to its target (not on any interface of a
	 * JDK proxy, or private on a class-based proxy)
	 */
	Method invocableMethod(Object bean) {
		return AopUtils.selectInvocableMethod(this.method, bean.getClass());
	}

	@Override
	public String toString() {
		return "RatsListenerEndpoint[id=" + this.id + ", types=" + this.types + ", method="
				+ this.method.getDeclaringClass().getName() + "." + this.method.getName() + "]";
	}

}
