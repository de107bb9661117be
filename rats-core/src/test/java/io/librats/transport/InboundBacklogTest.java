package io.librats.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.librats.config.RatsConfig;
import io.librats.identity.NodeIdentity;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.AeadImplementation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inbound backlog's pause and resume of reading, counted without a lock per message: reading pauses at the limit
 * and resumes at half of it, and with a handler thread finishing messages as fast as the event loop queues them it
 * never stays paused once the backlog is empty.
 */
class InboundBacklogTest {

	private static PeerConnection connection(int maxMessages, EmbeddedChannel channel) {
		RatsConfig config = RatsConfig.builder().maxPendingInboundMessages(maxMessages).build();
		RatsMetrics metrics = new RatsMetrics();
		SessionSettings settings = new SessionSettings(NodeIdentity.generate(), "rats", true,
				AeadImplementation.fastest(), false, 1 << 20, 0L);
		PeerTable table = new PeerTable("self", 8, Duration.ofSeconds(1), metrics, new ConnectionEvents() {
			@Override
			public void peerConnected(PeerConnection connection) {
			}

			@Override
			public void peerDisconnected(PeerConnection connection, String reason) {
			}
		});
		InboundFrameHandler inbound = new InboundFrameHandler() {
			@Override
			public void onMessage(PeerConnection connection, ByteBuf body) {
			}

			@Override
			public void onBinary(PeerConnection connection, ByteBuf body) {
			}
		};
		TransportContext context = new TransportContext(settings, config, metrics, Runnable::run, table, inbound);
		return new PeerConnection(channel, Direction.INBOUND, context, StreamSessions.DIRECT);
	}

	@ParameterizedTest(name = "maxPendingInboundMessages {0}")
	@ValueSource(ints = { 1, 2, 8 })
	void aFullBacklogPausesReadingAndAnEmptyOneNeverStaysPaused(int maxMessages) throws Exception {
		EmbeddedChannel channel = new EmbeddedChannel();
		PeerConnection connection = connection(maxMessages, channel);
		for (int i = 0; i < maxMessages; i++) {
			assertThat(connection.isReadingPaused()).isFalse();
			connection.inboundQueued(10);
		}
		assertThat(connection.isReadingPaused()).isTrue();
		assertThat(channel.config().isAutoRead()).isFalse();
		for (int i = 0; i < maxMessages; i++) {
			connection.inboundHandled(10);
		}
		assertThat(connection.isReadingPaused()).isFalse();
		assertThat(channel.config().isAutoRead()).isTrue();

		// A queueing thread and a handling thread racing at the limit, many times over; as with the event loop and a
		// handler thread, only what was queued can be finished.
		int rounds = 200_000;
		AtomicInteger queued = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		Thread handler = new Thread(() -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			for (int i = 0; i < rounds && System.nanoTime() < deadline;) {
				// Spins rather than blocks, to race the queueing thread as closely as the machine allows.
				if (i < queued.get()) {
					connection.inboundHandled(10);
					i++;
				}
			}
			done.countDown();
		}, "handler");
		handler.start();
		for (int i = 0; i < rounds; i++) {
			connection.inboundQueued(10);
			queued.incrementAndGet();
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(connection.isReadingPaused()).as("paused behind an empty backlog").isFalse();
		assertThat(channel.config().isAutoRead()).isTrue();
		channel.finishAndReleaseAll();
	}

}
