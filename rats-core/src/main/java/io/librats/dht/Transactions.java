package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our outstanding queries: random 2-byte transaction ids, a cap on how many are outstanding, a timeout per attempt and a
 * bounded number of retransmissions (same transaction id). A response or error is accepted only from the address
 * the query went to. Not thread-safe: used on the node's event loop, whose scheduler runs the timeouts.
 */
final class Transactions {

	/** What a query's sender hears back; exactly one method is called, on the event loop. */
	interface Callback {

		void response(Krpc.Response response, InetSocketAddress from);

		void error(Krpc.Error error);

		void timeout();

	}

	interface Sender {

		void send(byte[] packet, InetSocketAddress to);

	}

	private final class Pending implements Runnable {

		final int tid;

		final InetSocketAddress to;

		final byte[] packet;

		final Callback callback;

		int retriesLeft;

		ScheduledFuture<?> timer;

		Pending(int tid, InetSocketAddress to, byte[] packet, int retries, Callback callback) {
			this.tid = tid;
			this.to = to;
			this.packet = packet;
			this.retriesLeft = retries;
			this.callback = callback;
		}

		@Override
		public void run() {
			if (Transactions.this.pending.get(this.tid) != this) {
				return;
			}
			if (this.retriesLeft > 0) {
				this.retriesLeft--;
				Transactions.this.retransmissions++;
				Transactions.this.sender.send(this.packet, this.to);
				this.timer = Transactions.this.timer.schedule(this, Transactions.this.timeoutMillis,
						TimeUnit.MILLISECONDS);
				return;
			}
			Transactions.this.pending.remove(this.tid);
			Transactions.this.timeouts++;
			this.callback.timeout();
		}

	}

	private final Map<Integer, Pending> pending = new HashMap<>();

	private final int maxOutstanding;

	private final long timeoutMillis;

	private final Sender sender;

	private final ScheduledExecutorService timer;

	private final boolean readOnly;

	private final byte[] version;

	private final Random random;

	private long timeouts;

	private long retransmissions;

	Transactions(int maxOutstanding, long timeoutMillis, Sender sender, ScheduledExecutorService timer,
			boolean readOnly, byte[] version, Random random) {
		this.maxOutstanding = maxOutstanding;
		this.timeoutMillis = timeoutMillis;
		this.sender = sender;
		this.timer = timer;
		this.readOnly = readOnly;
		this.version = version;
		this.random = random;
	}

	/**
	 * Sends a query. Returns {@code false} (and calls nothing) when {@link #maxOutstanding} queries are already
	 * outstanding.
	 */
	boolean send(InetSocketAddress to, String method, Map<String, Object> args, int retries, Callback callback) {
		if (this.pending.size() >= this.maxOutstanding) {
			return false;
		}
		int tid = allocate();
		byte[] packet = Krpc.query(new byte[] { (byte) (tid >> 8), (byte) tid }, method, args, this.readOnly,
				this.version);
		Pending query = new Pending(tid, to, packet, retries, callback);
		this.pending.put(tid, query);
		this.sender.send(packet, to);
		query.timer = this.timer.schedule(query, this.timeoutMillis, TimeUnit.MILLISECONDS);
		return true;
	}

	/**
	 * Hands a response or error to the query it answers and forgets the query. Returns {@code false} when no
	 * outstanding query has this id and address (late, duplicate or spoofed).
	 */
	boolean complete(Krpc.Message message, InetSocketAddress from) {
		byte[] tidBytes = message.transactionId();
		if (tidBytes.length != 2) {
			return false;
		}
		int tid = ((tidBytes[0] & 0xff) << 8) | (tidBytes[1] & 0xff);
		Pending query = this.pending.get(tid);
		if (query == null || !query.to.equals(from)) {
			return false;
		}
		this.pending.remove(tid);
		query.timer.cancel(false);
		if (message instanceof Krpc.Response response) {
			query.callback.response(response, from);
		}
		else if (message instanceof Krpc.Error error) {
			query.callback.error(error);
		}
		return true;
	}

	int outstanding() {
		return this.pending.size();
	}

	long timeouts() {
		return this.timeouts;
	}

	long retransmissions() {
		return this.retransmissions;
	}

	/** Cancels every outstanding query; each callback hears a timeout. */
	void cancelAll() {
		List<Pending> all = new ArrayList<>(this.pending.values());
		this.pending.clear();
		for (Pending query : all) {
			query.timer.cancel(false);
			query.callback.timeout();
		}
	}

	/** A random unused id: unpredictable, so an off-path attacker cannot easily forge a matching response. */
	private int allocate() {
		while (true) {
			int tid = this.random.nextInt(0x10000);
			if (!this.pending.containsKey(tid)) {
				return tid;
			}
		}
	}

}
