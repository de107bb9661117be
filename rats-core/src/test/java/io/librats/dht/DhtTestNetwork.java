package io.librats.dht;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * DHT nodes for tests on loopback, sharing one event loop group, each on its own 127.x.y.z address if wanted.
 * Closes every node and the group, also when a test fails.
 */
final class DhtTestNetwork implements AutoCloseable {

	private final UdpBinding binding = UdpBinding.select(true);

	private final EventLoopGroup group;

	private final List<DhtNode> nodes = new ArrayList<>();

	DhtTestNetwork(int threads) {
		this.group = this.binding.newEventLoopGroup(threads, new DefaultThreadFactory("dht-test", true));
	}

	/** A distinct loopback address for node {@code index} in network {@code net} (1..254). */
	static String address(int net, int index) {
		return "127." + net + "." + (index / 250) + "." + (index % 250 + 1);
	}

	/** Test defaults: loopback, short timeouts, no retries. */
	static DhtConfig.Builder config(String bindAddress) {
		return DhtConfig.builder().bindAddress(bindAddress).port(0).queryTimeout(java.time.Duration.ofMillis(1500));
	}

	DhtNode start(DhtConfig config) throws IOException {
		return start(config, UnaryOperator.identity());
	}

	DhtNode start(DhtConfig config, UnaryOperator<DhtNode.Builder> customizer) throws IOException {
		DhtNode node = customizer.apply(DhtNode.builder(config).eventLoops(this.binding, this.group)).build();
		this.nodes.add(node);
		return node.start();
	}

	List<DhtNode> nodes() {
		return this.nodes;
	}

	static String bootstrapOf(DhtNode node) {
		InetSocketAddress address = node.localAddress();
		return Compact.format(address);
	}

	@Override
	public void close() {
		for (DhtNode node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				// keep closing the others
			}
		}
		this.nodes.clear();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
	}

}
