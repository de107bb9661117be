package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Transaction ids, timeouts, bounded retransmissions and the outstanding cap. */
class DhtTransactionsTest {

	private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

	private final List<InetSocketAddress> sent = new CopyOnWriteArrayList<>();

	private final List<byte[]> packets = new CopyOnWriteArrayList<>();

	private final Transactions transactions = new Transactions(4, 50, (packet, to) -> {
		this.packets.add(packet);
		this.sent.add(to);
	}, this.loop, false, DhtNode.VERSION, new Random(3));

	private final InetSocketAddress node = new InetSocketAddress("127.0.0.2", 6881);

	@AfterEach
	void stop() {
		this.loop.shutdownNow();
	}

	private static final class Outcome implements Transactions.Callback {

		final CompletableFuture<String> result = new CompletableFuture<>();

		@Override
		public void response(Krpc.Response response, InetSocketAddress from) {
			this.result.complete("response");
		}

		@Override
		public void error(Krpc.Error error) {
			this.result.complete("error " + error.code());
		}

		@Override
		public void timeout() {
			this.result.complete("timeout");
		}

	}

	private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
		return this.loop.submit(task).get(10, TimeUnit.SECONDS);
	}

	private Map<String, Object> ping() {
		return Map.of("id", new byte[20]);
	}

	@Test
	void silentNodeIsRetriedThenTimesOut() throws Exception {
		Outcome outcome = new Outcome();
		assertThat(onLoop(() -> this.transactions.send(this.node, "ping", ping(), 2, outcome))).isTrue();
		assertThat(outcome.result.get(10, TimeUnit.SECONDS)).isEqualTo("timeout");
		assertThat(this.sent).hasSize(3).containsOnly(this.node);
		assertThat(this.packets.get(0)).isEqualTo(this.packets.get(2)); // same transaction id
		assertThat(onLoop(this.transactions::outstanding)).isZero();
		assertThat(onLoop(this.transactions::retransmissions)).isEqualTo(2);
	}

	@Test
	void responseIsAcceptedOnlyFromTheQueriedAddressAndOnlyOnce() throws Exception {
		Outcome outcome = new Outcome();
		onLoop(() -> this.transactions.send(this.node, "ping", ping(), 5, outcome));
		Krpc.Query query = (Krpc.Query) Krpc.decode(this.packets.get(0));
		assertThat(query.transactionId()).hasSize(2);
		Krpc.Response response = (Krpc.Response) Krpc.decode(Krpc.response(query.transactionId(),
				Map.of("id", new byte[20]), null, null));
		assertThat(onLoop(() -> this.transactions.complete(response, new InetSocketAddress("127.0.0.3", 6881))))
			.as("spoofed source").isFalse();
		assertThat(onLoop(() -> this.transactions.complete(response, this.node))).isTrue();
		assertThat(outcome.result.get(10, TimeUnit.SECONDS)).isEqualTo("response");
		assertThat(onLoop(() -> this.transactions.complete(response, this.node))).as("duplicate").isFalse();
	}

	@Test
	void errorCompletesTheQuery() throws Exception {
		Outcome outcome = new Outcome();
		onLoop(() -> this.transactions.send(this.node, "ping", ping(), 0, outcome));
		Krpc.Query query = (Krpc.Query) Krpc.decode(this.packets.get(0));
		Krpc.Error error = (Krpc.Error) Krpc.decode(Krpc.error(query.transactionId(), 202, "busy", null));
		assertThat(onLoop(() -> this.transactions.complete(error, this.node))).isTrue();
		assertThat(outcome.result.get(10, TimeUnit.SECONDS)).isEqualTo("error 202");
	}

	@Test
	void outstandingQueriesAreCapped() throws Exception {
		for (int i = 0; i < 4; i++) {
			assertThat(onLoop(() -> this.transactions.send(this.node, "ping", ping(), 100, new Outcome()))).isTrue();
		}
		assertThat(onLoop(() -> this.transactions.send(this.node, "ping", ping(), 0, new Outcome()))).isFalse();
		Outcome cancelled = new Outcome();
		onLoop(() -> {
			this.transactions.cancelAll();
			return this.transactions.send(this.node, "ping", ping(), 0, cancelled);
		});
		assertThat(cancelled.result.get(10, TimeUnit.SECONDS)).isEqualTo("timeout");
	}

}
