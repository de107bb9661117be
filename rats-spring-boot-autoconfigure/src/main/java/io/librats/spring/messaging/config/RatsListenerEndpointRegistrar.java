package io.librats.spring.messaging.config;

import java.util.ArrayList;
import java.util.List;

import io.librats.RatsClient;
import io.librats.spring.messaging.RatsPayloadConverter;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Queues the endpoints the post-processor finds until every singleton exists, then turns each into a container in
 * the registry; endpoints found later (beans created lazily) get theirs at once.
 */
final class RatsListenerEndpointRegistrar {

	/** The name of Boot's validator, preferred when the context has several (a web app's MVC validator too). */
	private static final String DEFAULT_VALIDATOR_BEAN_NAME = "defaultValidator";

	private final List<RatsListenerEndpoint> pending = new ArrayList<>();

	private ListableBeanFactory beanFactory;

	private RatsListenerEndpointRegistry registry;

	private RatsClient client;

	private RatsPayloadConverter converter;

	private MessageHandlerMethodFactory methodFactory;

	private boolean registerImmediately;

	synchronized void register(RatsListenerEndpoint endpoint) {
		RatsHeaderArgumentResolver.checkParameters(endpoint);
		if (this.registerImmediately) {
			this.registry.register(createContainer(endpoint), true);
		}
		else {
			this.pending.add(endpoint);
		}
	}

	/** Registers every queued endpoint; from now on endpoints are registered as they come. */
	synchronized void registerAll(ListableBeanFactory beanFactory, RatsListenerEndpointRegistry registry) {
		this.beanFactory = beanFactory;
		this.registry = registry;
		for (RatsListenerEndpoint endpoint : this.pending) {
			registry.register(createContainer(endpoint), false);
		}
		this.pending.clear();
		this.registerImmediately = true;
	}

	private RatsListenerContainer createContainer(RatsListenerEndpoint endpoint) {
		if (this.methodFactory == null) {
			this.client = this.beanFactory.getBeanProvider(RatsClient.class).getIfUnique();
			if (this.client == null) {
				throw new IllegalStateException("@RatsListener " + endpoint + " needs exactly one RatsClient bean");
			}
			this.converter = this.beanFactory.getBeanProvider(RatsPayloadConverter.class)
				.getIfUnique(() -> new RatsPayloadConverter(this.beanFactory.getBeanProvider(JsonMapper.class)
					.getIfUnique(this.client::jsonMapper)));
			this.methodFactory = createMethodFactory();
		}
		return new RatsListenerContainer(endpoint.id(), endpoint.types(), endpoint.delivery(), this.client,
				new RatsListenerMethodAdapter(endpoint, this.methodFactory, this.client, this.converter));
	}

	private MessageHandlerMethodFactory createMethodFactory() {
		DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
		factory.setMessageConverter(new JsonPayloadMessageConverter(this.converter));
		// Custom resolvers go after the annotation- and type-based defaults and before the catch-all payload resolver.
		factory.setCustomArgumentResolvers(List.of(new RatsHeaderArgumentResolver()));
		Validator validator = findValidator();
		if (validator != null) {
			factory.setValidator(validator);
		}
		factory.afterPropertiesSet();
		return factory;
	}

	private Validator findValidator() {
		Validator unique = this.beanFactory.getBeanProvider(Validator.class).getIfUnique();
		if (unique != null) {
			return unique;
		}
		return (this.beanFactory.containsBean(DEFAULT_VALIDATOR_BEAN_NAME)
				&& this.beanFactory.isTypeMatch(DEFAULT_VALIDATOR_BEAN_NAME, Validator.class))
						? this.beanFactory.getBean(DEFAULT_VALIDATOR_BEAN_NAME, Validator.class) : null;
	}

}
