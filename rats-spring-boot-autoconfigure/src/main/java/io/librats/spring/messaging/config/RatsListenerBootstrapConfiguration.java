package io.librats.spring.messaging.config;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the {@code @RatsListener} post-processor and the endpoint registry under fixed names, each only when the
 * context has no bean of that name yet, so a user's own registry takes precedence. Imported by
 * {@link io.librats.spring.messaging.annotation.EnableRats}.
 */
public class RatsListenerBootstrapConfiguration implements ImportBeanDefinitionRegistrar {

	/** The bean name of the post-processor that finds {@code @RatsListener} methods. */
	public static final String ANNOTATION_PROCESSOR_BEAN_NAME = "io.librats.spring.messaging.config.internalRatsListenerAnnotationProcessor";

	/** The bean name of the {@link RatsListenerEndpointRegistry}. */
	public static final String ENDPOINT_REGISTRY_BEAN_NAME = "io.librats.spring.messaging.config.internalRatsListenerEndpointRegistry";

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		if (!registry.containsBeanDefinition(ANNOTATION_PROCESSOR_BEAN_NAME)) {
			RootBeanDefinition processor = new RootBeanDefinition(RatsListenerAnnotationBeanPostProcessor.class);
			processor.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(ANNOTATION_PROCESSOR_BEAN_NAME, processor);
		}
		if (!registry.containsBeanDefinition(ENDPOINT_REGISTRY_BEAN_NAME)) {
			RootBeanDefinition endpointRegistry = new RootBeanDefinition(RatsListenerEndpointRegistry.class);
			endpointRegistry.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(ENDPOINT_REGISTRY_BEAN_NAME, endpointRegistry);
		}
	}

}
