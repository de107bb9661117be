package io.librats.spring.messaging.config;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.librats.spring.messaging.RatsListenerErrorHandler;
import io.librats.spring.messaging.annotation.RatsListener;
import io.librats.spring.messaging.annotation.RatsListeners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedObject;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds {@link RatsListener} methods and hands one endpoint per annotation to the registrar.
 *
 * <p>Methods are looked up on the bean's target class, so listeners on AOP proxies are found and invoked through the
 * proxy. Beans that do not exist yet when all singletons are created (lazy singletons, scoped proxies whose factory
 * bean is not post-processed) are found from their bean definitions and looked up on their first message. Prototype
 * beans are refused: which instance would listen?
 */
final class RatsListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(RatsListenerAnnotationBeanPostProcessor.class);

	private final RatsListenerEndpointRegistrar registrar = new RatsListenerEndpointRegistrar();

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	/** Beans whose listeners are registered, so a lazy bean found by definition is not registered again. */
	private final Set<String> registeredBeans = ConcurrentHashMap.newKeySet();

	private final Set<String> generatedIds = ConcurrentHashMap.newKeySet();

	private ConfigurableListableBeanFactory beanFactory;

	private BeanExpressionContext expressionContext;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (!(beanFactory instanceof ConfigurableListableBeanFactory configurable)) {
			throw new IllegalStateException("@RatsListener needs a ConfigurableListableBeanFactory");
		}
		this.beanFactory = configurable;
		this.expressionContext = new BeanExpressionContext(configurable, null);
	}

	@Override
	public int getOrder() {
		// After the proxy creators, so the bean seen here is the proxy that will be invoked.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (ScopedProxyUtils.isScopedTarget(beanName) || this.nonAnnotatedClasses.contains(bean.getClass())) {
			return bean;
		}
		Map<Method, Set<RatsListener>> listeners = findListenerMethods(AopUtils.getTargetClass(bean));
		if (listeners.isEmpty()) {
			this.nonAnnotatedClasses.add(bean.getClass());
			return bean;
		}
		if (isPrototype(beanName)) {
			throw new BeanInitializationException("Bean '" + beanName + "' has @RatsListener methods but is a "
					+ "prototype: make it a singleton, or give its scope a proxy (proxyMode = TARGET_CLASS)");
		}
		if (this.registeredBeans.add(beanName)) {
			listeners.keySet().forEach((method) -> checkInvocable(method, bean, beanName));
			processListeners(beanName, () -> bean, listeners);
		}
		return bean;
	}

	/** Fails startup, rather than every message, when a proxy cannot delegate a listener method to its target. */
	private static void checkInvocable(Method method, Object bean, String beanName) {
		try {
			AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new BeanInitializationException("@RatsListener method '" + method.getName() + "' of bean '"
					+ beanName + "' cannot be invoked through the bean's proxy: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			if (!this.registeredBeans.contains(beanName) && !ScopedProxyUtils.isScopedTarget(beanName)) {
				registerNotYetCreated(beanName);
			}
		}
		this.registrar.registerAll(this.beanFactory, this.beanFactory.getBean(
				RatsListenerBootstrapConfiguration.ENDPOINT_REGISTRY_BEAN_NAME, RatsListenerEndpointRegistry.class));
	}

	/** A singleton that is not created yet (lazy, or a scoped proxy): its listeners look it up on first use. */
	private void registerNotYetCreated(String beanName) {
		BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(beanName);
		if (definition.isAbstract() || !this.beanFactory.isSingleton(beanName)) {
			return;
		}
		Class<?> type = AutoProxyUtils.determineTargetClass(this.beanFactory, beanName);
		if (type != null && ScopedObject.class.isAssignableFrom(type)) {
			type = AutoProxyUtils.determineTargetClass(this.beanFactory, ScopedProxyUtils.getTargetBeanName(beanName));
		}
		else if (this.beanFactory.containsSingleton(beanName) && !this.beanFactory.isFactoryBean(beanName)) {
			return; // created already, so postProcessAfterInitialization has seen it
		}
		if (type == null) {
			return;
		}
		Map<Method, Set<RatsListener>> listeners = findListenerMethods(type);
		if (!listeners.isEmpty() && this.registeredBeans.add(beanName)) {
			processListeners(beanName, () -> this.beanFactory.getBean(beanName), listeners);
		}
	}

	private boolean isPrototype(String beanName) {
		return this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.getMergedBeanDefinition(beanName).isPrototype();
	}

	private static Map<Method, Set<RatsListener>> findListenerMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Set<RatsListener>>) (
				method) -> {
			Set<RatsListener> found = AnnotatedElementUtils.findMergedRepeatableAnnotations(method,
					RatsListener.class, RatsListeners.class);
			return found.isEmpty() ? null : found;
		});
	}

	private void processListeners(String beanName, Supplier<Object> bean, Map<Method, Set<RatsListener>> listeners) {
		listeners.forEach((method, annotations) -> annotations
			.forEach((annotation) -> this.registrar.register(endpoint(annotation, method, beanName, bean))));
		logger.debug("{} @RatsListener methods found on bean '{}'", listeners.size(), beanName);
	}

	private RatsListenerEndpoint endpoint(RatsListener annotation, Method method, String beanName,
			Supplier<Object> bean) {
		List<String> types = new ArrayList<>();
		for (String type : annotation.types()) {
			addStrings(resolve(type), types);
		}
		String where = beanName + "." + method.getName();
		if (types.isEmpty()) {
			throw new BeanInitializationException("@RatsListener on " + where + " names no message type");
		}
		String id = resolveString(annotation.id());
		if (id == null) {
			id = generateId(where);
		}
		return new RatsListenerEndpoint(id, List.copyOf(types), beanName, bean, method,
				errorHandler(annotation.errorHandler(), where), resolveString(annotation.replyType()),
				annotation.delivery());
	}

	/** {@code bean.method}, or {@code bean.method#2}, ... for repeated annotations and overloads. */
	private String generateId(String beanAndMethod) {
		String id = beanAndMethod;
		for (int n = 2; !this.generatedIds.add(id); n++) {
			id = beanAndMethod + "#" + n;
		}
		return id;
	}

	private RatsListenerErrorHandler errorHandler(String value, String where) {
		Object resolved = resolve(value);
		if (resolved instanceof RatsListenerErrorHandler handler) {
			return handler;
		}
		if (resolved instanceof String name && !name.isEmpty()) {
			try {
				return this.beanFactory.getBean(name, RatsListenerErrorHandler.class);
			}
			catch (BeansException ex) {
				throw new BeanInitializationException("@RatsListener on " + where + " names error handler '" + name
						+ "', which is not a RatsListenerErrorHandler bean: " + ex.getMessage(), ex);
			}
		}
		if (resolved != null && !(resolved instanceof String)) {
			throw new BeanInitializationException("@RatsListener on " + where + ": errorHandler resolved to a "
					+ resolved.getClass().getName() + ", not a RatsListenerErrorHandler or a bean name");
		}
		return null;
	}

	/** Resolves {@code ${...}} placeholders, then {@code #{...}} expressions. */
	private Object resolve(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		BeanExpressionResolver expressions = this.beanFactory.getBeanExpressionResolver();
		return (expressions != null && resolved != null) ? expressions.evaluate(resolved, this.expressionContext)
				: resolved;
	}

	/** A resolved string attribute, or {@code null} when it is empty. */
	private String resolveString(String value) {
		Object resolved = resolve(value);
		String text = (resolved != null) ? resolved.toString() : "";
		return text.isEmpty() ? null : text;
	}

	private static void addStrings(Object resolved, List<String> into) {
		if (resolved instanceof String[] strings) {
			for (String string : strings) {
				addStrings(string, into);
			}
		}
		else if (resolved instanceof Collection<?> collection) {
			collection.forEach((element) -> addStrings(element, into));
		}
		else if (resolved != null && !resolved.toString().isEmpty()) {
			into.add(resolved.toString());
		}
	}

}
