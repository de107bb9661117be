package io.librats.spring.messaging.autoconfigure;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.stream.Stream;

import io.librats.RatsClient;
import io.librats.config.RatsConfig;
import io.librats.message.Delivery;
import io.librats.spring.messaging.DefaultRatsTemplate;
import io.librats.spring.messaging.RatsPayloadConverter;
import io.librats.spring.messaging.RatsTemplate;
import io.librats.spring.messaging.annotation.EnableRats;
import io.librats.spring.messaging.annotation.PeerId;
import io.librats.spring.messaging.annotation.RatsListener;
import io.librats.spring.messaging.config.RatsListenerBootstrapConfiguration;
import io.librats.spring.messaging.config.RatsListenerContainer;
import io.librats.spring.messaging.config.RatsListenerEndpointRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.annotation.AliasFor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class RatsMessagingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class,
				RatsMessagingAutoConfiguration.class));

	private final ApplicationContextRunner withClient = this.runner.withBean(RatsClient.class,
			RatsMessagingAutoConfigurationTests::client);

	/** A client that is never started: these tests look at the context only. */
	private static RatsClient client() {
		return new RatsClient(RatsConfig.builder().listenPort(0).build());
	}

	@Test
	void withoutAClientNothingIsConfigured() {
		this.runner.withUserConfiguration(PlaceholderListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RatsTemplate.class);
			assertThat(context).doesNotHaveBean(RatsListenerEndpointRegistry.class);
			assertThat(context).doesNotHaveBean(RatsListenerBootstrapConfiguration.ANNOTATION_PROCESSOR_BEAN_NAME);
		});
	}

	@Test
	void withAClientTheTemplateAndTheRegistryExist() {
		this.withClient.run((context) -> {
			assertThat(context).hasSingleBean(RatsTemplate.class);
			assertThat(context).hasSingleBean(RatsPayloadConverter.class);
			assertThat(context).hasSingleBean(RatsListenerEndpointRegistry.class);
			assertThat(context).hasBean(RatsListenerBootstrapConfiguration.ANNOTATION_PROCESSOR_BEAN_NAME);
			assertThat(context.getBean(RatsTemplate.class)).hasToString(
					"DefaultRatsTemplate[peerId=" + context.getBean(RatsClient.class).peerId() + ", defaultTimeout=PT10S]");
		});
	}

	@Test
	void requestTimeoutIsBoundAndValidated() {
		this.withClient
			.withPropertyValues("rats.messaging.request-timeout=750ms")
			.run((context) -> assertThat(context.getBean(RatsTemplate.class).toString())
				.endsWith("defaultTimeout=PT0.75S]"));
		this.withClient
			.withPropertyValues("rats.messaging.request-timeout=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("rats.messaging.request-timeout must be positive"));
	}

	@Test
	void theApplicationsJsonMapperConvertsPayloads() {
		JsonMapper mapper = JsonMapper.builder().build();
		this.withClient
			.withBean(JsonMapper.class, () -> mapper)
			.run((context) -> assertThat(context.getBean(RatsPayloadConverter.class).mapper()).isSameAs(mapper));
		this.withClient
			.run((context) -> assertThat(context.getBean(RatsPayloadConverter.class).mapper())
				.isSameAs(context.getBean(RatsClient.class).jsonMapper()));
	}

	@Test
	void userTemplateBacksOff() {
		this.withClient
			.withBean("myTemplate", RatsTemplate.class,
					() -> new DefaultRatsTemplate(client(), new RatsPayloadConverter(JsonMapper.builder().build()),
							Duration.ofSeconds(1)))
			.run((context) -> {
				assertThat(context).hasSingleBean(RatsTemplate.class);
				assertThat(context).hasBean("myTemplate");
			});
	}

	@Test
	void userRegistryBacksOff() {
		this.withClient
			.withPropertyValues("app.greeting-type=greeting")
			.withBean(RatsListenerBootstrapConfiguration.ENDPOINT_REGISTRY_BEAN_NAME, CustomRegistry.class)
			.withUserConfiguration(PlaceholderListeners.class)
			.run((context) -> {
				assertThat(context).getBean(RatsListenerEndpointRegistry.class).isInstanceOf(CustomRegistry.class);
				assertThat(context.getBean(RatsListenerEndpointRegistry.class).getListenerContainer("greeter"))
					.isNotNull();
			});
	}

	@Test
	void applicationsOwnEnableRatsIsNotDuplicated() {
		this.withClient
			.withPropertyValues("app.greeting-type=greeting")
			.withUserConfiguration(UserEnabledRats.class, PlaceholderListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RatsListenerEndpointRegistry.class);
				assertThat(context.getBean(RatsListenerEndpointRegistry.class).getListenerContainers()).hasSize(3);
			});
	}

	@Test
	void placeholdersAndExpressionsResolveInAnnotationValues() {
		this.withClient
			.withPropertyValues("app.greeting-type=greeting", "app.listener-id=greeter", "app.ack=greeting.ack")
			.withUserConfiguration(PlaceholderListeners.class)
			.run((context) -> {
				RatsListenerEndpointRegistry registry = context.getBean(RatsListenerEndpointRegistry.class);
				RatsListenerContainer greeter = registry.getListenerContainer("greeter");
				assertThat(greeter.getTypes()).containsExactly("greeting");
				RatsListenerContainer many = registry.getListenerContainer("many");
				assertThat(many.getTypes()).containsExactly("alpha", "beta");
				assertThat(registry.getListenerContainer("many-gamma").getTypes()).containsExactly("gamma");
				// started with the context: the client now has handlers for these types
				assertThat(greeter.isRunning()).isTrue();
			});
	}

	static Stream<Arguments> startupFailures() {
		return Stream.of(
				Arguments.of("unresolvable placeholder", PlaceholderListeners.class,
						"Could not resolve placeholder 'app.greeting-type'", new String[0]),
				Arguments.of("unknown error handler", MissingErrorHandler.class,
						"names error handler 'noSuchHandler'", new String[0]),
				Arguments.of("@PeerId on a non-String", WrongPeerIdType.class, "is declared as java.lang.Integer",
						new String[0]),
				Arguments.of("no message type", NoType.class, "names no message type", new String[] { "app.empty=" }),
				Arguments.of("prototype bean", PrototypeListenerConfig.class, "is a prototype", new String[0]),
				Arguments.of("duplicate id", DuplicateIds.class, "already has the id 'same'", new String[0]),
				Arguments.of("private method of a proxied bean", ProxiedPrivateListener.class,
						"cannot be invoked through the bean's proxy", new String[0]),
				Arguments.of("message type the protocol refuses", PlaceholderListeners.class,
						"Cannot start listener 'greeter'", new String[] { "app.greeting-type=" + "x".repeat(256) }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("startupFailures")
	void misconfiguredListenerFailsStartupSayingWhy(String name, Class<?> configuration, String message,
			String[] properties) {
		this.withClient.withPropertyValues(properties)
			.withUserConfiguration(configuration)
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining(message));
	}

	@Test
	void enableRatsWithoutAClientFailsStartup() {
		this.runner.withPropertyValues("app.greeting-type=greeting")
			.withUserConfiguration(UserEnabledRats.class, PlaceholderListeners.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("needs exactly one RatsClient bean"));
	}

	@Test
	void stoppingTheContextUnregistersListeners() {
		this.withClient
			.withPropertyValues("app.greeting-type=greeting", "app.listener-id=greeter", "app.ack=greeting.ack")
			.withUserConfiguration(PlaceholderListeners.class)
			.run((context) -> {
				RatsListenerEndpointRegistry registry = context.getBean(RatsListenerEndpointRegistry.class);
				registry.stop();
				assertThat(registry.getListenerContainers()).allSatisfy(
						(container) -> assertThat(container.isRunning()).isFalse());
				registry.start();
				assertThat(registry.getListenerContainer("many").isRunning()).isTrue();
			});
	}

	@Test
	void metaAnnotationsWithAliasesAreListeners() {
		this.withClient
			.withUserConfiguration(MetaAnnotated.class)
			.run((context) -> {
				RatsListenerEndpointRegistry registry = context.getBean(RatsListenerEndpointRegistry.class);
				assertThat(registry.getListenerContainer("composed").getTypes()).containsExactly("chat");
				assertThat(registry.getListenerContainer("composed").getDelivery()).isEqualTo(Delivery.IO_THREAD);
			});
	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@RatsListener(types = "chat", delivery = Delivery.IO_THREAD)
	@interface ChatListener {

		@AliasFor(annotation = RatsListener.class, attribute = "id")
		String name();

	}

	@Configuration(proxyBeanMethods = false)
	static class MetaAnnotated {

		@Bean
		Object listener() {
			return new Object() {

				@ChatListener(name = "composed")
				void on(JsonNode payload) {
				}

			};
		}

	}

	static class PrivateListener {

		@RatsListener("x")
		@SuppressWarnings("unused")
		private void on(JsonNode payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxiedPrivateListener {

		@Bean
		Object proxied() {
			ProxyFactory factory = new ProxyFactory(new PrivateListener());
			factory.setProxyTargetClass(true);
			return factory.getProxy();
		}

	}

	static class CustomRegistry extends RatsListenerEndpointRegistry {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRats
	static class UserEnabledRats {

	}

	static class Greeter {

		@RatsListener(value = "${app.greeting-type}", id = "${app.listener-id:greeter}", replyType = "${app.ack:}")
		String greet(JsonNode payload, @PeerId String from) {
			return "hello " + from;
		}

		@RatsListener(types = "#{'alpha,beta'.split(',')}", id = "many")
		@RatsListener(types = "gamma", id = "many-gamma")
		void many(JsonNode payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderListeners {

		@Bean
		Greeter greeter() {
			return new Greeter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MissingErrorHandler {

		@Bean
		Object listener() {
			return new Object() {

				@RatsListener(value = "x", errorHandler = "noSuchHandler")
				void on(JsonNode payload) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongPeerIdType {

		@Bean
		Object listener() {
			return new Object() {

				@RatsListener("x")
				void on(JsonNode payload, @PeerId Integer from) {
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoType {

		@Bean
		Object listener() {
			return new Object() {

				@RatsListener("${app.empty}")
				void on(JsonNode payload) {
				}

			};
		}

	}

	static class PrototypeListener {

		@RatsListener("x")
		void on(JsonNode payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeListenerConfig {

		@Bean
		@Scope("prototype")
		PrototypeListener prototypeListener() {
			return new PrototypeListener();
		}

		@Bean
		Object user(org.springframework.beans.factory.ObjectProvider<PrototypeListener> listener) {
			return listener.getObject();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateIds {

		@Bean
		Object first() {
			return new Object() {

				@RatsListener(value = "x", id = "same")
				void on(JsonNode payload) {
				}

			};
		}

		@Bean
		Object second() {
			return new Object() {

				@RatsListener(value = "y", id = "same")
				void on(JsonNode payload) {
				}

			};
		}

	}

}
