package io.librats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.librats.subsystem.DiscoveredPeer;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;
import io.librats.transport.TcpBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SubsystemTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	/** A discovery subsystem whose "network" is a field the test fills. */
	static final class FakeDiscovery implements RatsSubsystem {

		final List<String> lifecycle = new CopyOnWriteArrayList<>();

		final AtomicReference<SubsystemContext> context = new AtomicReference<>();

		@Override
		public String name() {
			return "fake";
		}

		@Override
		public void start(SubsystemContext context) {
			this.context.set(context);
			context.services().register(FakeDiscovery.class, this);
			this.lifecycle.add("start:" + context.listenPort());
		}

		@Override
		public void stop() {
			this.context.get().services().unregister(FakeDiscovery.class, this);
			this.lifecycle.add("stop");
		}

	}

	@Test
	void attachedSubsystemStartsWithContextAndDiscoveredPeersAreDialed() {
		RatsClient b = this.nodes.start();
		FakeDiscovery discovery = new FakeDiscovery();
		RatsClient a = this.nodes.create(TestNodes.loopbackConfig().build(), TcpBinding.select(true));
		a.attach(discovery);
		List<DiscoveredPeer> heard = new CopyOnWriteArrayList<>();
		a.onPeerDiscovered(heard::add);
		a.start();

		assertThat(discovery.lifecycle).containsExactly("start:" + a.listenPort());
		assertThat(a.services().find(FakeDiscovery.class)).containsSame(discovery);
		assertThatThrownBy(() -> a.attach(new FakeDiscovery())).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("already attached");

		discovery.context.get().peerDiscovered(new DiscoveredPeer("fake", null, "127.0.0.1", b.listenPort(),
				Instant.now()));

		await().atMost(Duration.ofSeconds(10)).until(() -> a.isConnected(b.peerId()));
		assertThat(heard).singleElement().extracting(DiscoveredPeer::source).isEqualTo("fake");
		int port = a.listenPort();
		a.stop();
		assertThat(discovery.lifecycle).containsExactly("start:" + port, "stop");
		assertThat(a.services().find(FakeDiscovery.class)).isEmpty();
	}

	@Test
	void failingSubsystemFailsStartAndReleasesThePort() {
		RatsClient a = this.nodes.create(TestNodes.loopbackConfig().build(), TcpBinding.select(true));
		FakeDiscovery healthy = new FakeDiscovery();
		a.attach(healthy);
		a.attach(new RatsSubsystem() {
			@Override
			public String name() {
				return "broken";
			}

			@Override
			public void start(SubsystemContext context) {
				throw new IllegalStateException("no socket for you");
			}

			@Override
			public void stop() {
			}
		});
		assertThatThrownBy(a::start).isInstanceOf(RatsException.class).hasMessageContaining("broken")
			.hasMessageContaining("no socket for you");
		assertThat(a.isRunning()).isFalse();
		assertThat(healthy.lifecycle).hasSize(2).endsWith("stop");
	}


	@Test
	void subsystemsAttachAndDetachOnARunningNode() {
		RatsClient a = this.nodes.start();
		FakeDiscovery discovery = new FakeDiscovery();
		a.attach(discovery);
		assertThat(discovery.lifecycle).containsExactly("start:" + a.listenPort());
		assertThat(a.services().find(FakeDiscovery.class)).containsSame(discovery);

		assertThat(a.detach("fake")).isTrue();
		assertThat(a.detach("fake")).isFalse();
		assertThat(discovery.lifecycle).containsExactly("start:" + a.listenPort(), "stop");
		assertThat(a.services().find(FakeDiscovery.class)).isEmpty();
		assertThat(a.subsystems()).isEmpty();

		// detached before the node stops: stopping the node does not stop it twice
		a.attach(discovery);
		a.detach("fake");
		a.stop();
		assertThat(discovery.lifecycle).hasSize(4);
	}

	@Test
	void aSubsystemThatFailsToStartOnARunningNodeIsReleasedAndDetached() {
		RatsClient a = this.nodes.start();
		List<String> calls = new CopyOnWriteArrayList<>();
		RatsSubsystem broken = new RatsSubsystem() {
			@Override
			public String name() {
				return "broken";
			}

			@Override
			public void start(SubsystemContext context) {
				calls.add("start");
				throw new IllegalStateException("port in use");
			}

			@Override
			public void stop() {
				calls.add("stop");
			}
		};
		assertThatThrownBy(() -> a.attach(broken)).isInstanceOf(RatsException.class)
			.hasMessageContaining("broken")
			.hasMessageContaining("port in use");
		assertThat(calls).containsExactly("start", "stop");
		assertThat(a.subsystems()).isEmpty();
		assertThat(a.isRunning()).isTrue();
	}

}
