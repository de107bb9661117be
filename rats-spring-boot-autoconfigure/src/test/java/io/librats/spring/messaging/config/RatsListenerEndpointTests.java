package io.librats.spring.messaging.config;

import java.lang.reflect.Method;
import java.util.List;

import io.librats.message.Delivery;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RatsListenerEndpointTests {

	interface Greeting {

		String greet(String name);

	}

	static class Greeter implements Greeting {

		@Override
		public String greet(String name) {
			return "hi " + name;
		}

		public String notOnTheInterface(String name) {
			return name;
		}

	}

	private static RatsListenerEndpoint endpoint(Object bean, String methodName) throws NoSuchMethodException {
		Method method = Greeter.class.getMethod(methodName, String.class);
		return new RatsListenerEndpoint("id", List.of("greet"), "greeter", () -> bean, method, null, null,
				Delivery.EXECUTOR);
	}

	@Test
	void plainAndClassProxiedBeansAreInvokedWithTheAnnotatedMethod() throws Exception {
		Greeter plain = new Greeter();
		assertThat(endpoint(plain, "greet").invocableMethod(plain)).isEqualTo(Greeter.class.getMethod("greet",
				String.class));
		ProxyFactory factory = new ProxyFactory(new Greeter());
		factory.setProxyTargetClass(true);
		Object proxy = factory.getProxy();
		assertThat(AopUtils.isCglibProxy(proxy)).isTrue();
		assertThat(endpoint(proxy, "greet").invocableMethod(proxy).getDeclaringClass()).isEqualTo(Greeter.class);
	}

	@Test
	void jdkProxiesAreInvokedThroughTheirInterface() throws Exception {
		Object proxy = new ProxyFactory(new Greeter()).getProxy();
		assertThat(AopUtils.isJdkDynamicProxy(proxy)).isTrue();
		Method method = endpoint(proxy, "greet").invocableMethod(proxy);
		assertThat(method.getDeclaringClass()).isEqualTo(Greeting.class);
		assertThat(method.invoke(proxy, "proxy")).isEqualTo("hi proxy");
	}

	@Test
	void jdkProxyWithoutTheMethodOnAnInterfaceIsExplained() throws Exception {
		Object proxy = new ProxyFactory(new Greeter()).getProxy();
		RatsListenerEndpoint endpoint = endpoint(proxy, "notOnTheInterface");
		assertThatIllegalStateException().isThrownBy(() -> endpoint.invocableMethod(proxy))
			.withMessageContaining("'notOnTheInterface'")
			.withMessageContaining("not found in any interface(s) of the exposed proxy type");
	}

	@Test
	void privateMethodsOfClassProxiesAreRefused() throws Exception {
		ProxyFactory factory = new ProxyFactory(new PrivateListener());
		factory.setProxyTargetClass(true);
		Object proxy = factory.getProxy();
		Method method = PrivateListener.class.getDeclaredMethod("on", String.class);
		RatsListenerEndpoint endpoint = new RatsListenerEndpoint("id", List.of("x"), "private", () -> proxy, method,
				null, null, Delivery.EXECUTOR);
		assertThatIllegalStateException().isThrownBy(() -> endpoint.invocableMethod(proxy))
			.withMessageContaining("Switch its visibility");
	}

	static class PrivateListener {

		@SuppressWarnings("unused")
		private String on(String text) {
			return text;
		}

	}

}
