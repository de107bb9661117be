package io.librats.benchmarks.nat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionStrategy;
import io.librats.RatsClient;
import io.librats.config.NatTraversalConfig;
import io.librats.config.RatsConfig;
import io.librats.config.TurnServer;
import io.librats.nat.NatService;
import io.librats.stun.StunClass;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;

/**
 * TURN relay cost: request/reply round trips and bulk throughput of a rats session over coturn TCP allocations
 * (RFC 6062: node B dials node A's relayed address with {@code TURN_RELAY}, so the bytes cross two relayed TCP
 * connections inside coturn), against the same measurements over a direct loopback connection in the same run.
 * Starts its own {@code turnserver} on 127.0.0.1 (Debian package coturn) and kills it at the end.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> io.librats.benchmarks.nat.TurnRelayBenchmark [round trips] [MiB]};
 * see docs/nat.md. Only loopback addresses are used.
 */
public final class TurnRelayBenchmark {

	private static final int CHUNK = 64 * 1024;

	private TurnRelayBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int roundTrips = (args.length > 0) ? Integer.parseInt(args[0]) : 5000;
		int mebibytes = (args.length > 1) ? Integer.parseInt(args[1]) : 256;
		System.out.printf("TURN relay benchmark: %d round trips, %d MiB bulk, %d cores, jdk %s%n", roundTrips, mebibytes,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"));
		int port = 20_000 + (int) (ProcessHandle.current().pid() % 5000) * 2;
		Path dir = Files.createTempDirectory("rats-bench-coturn-");
		Process coturn = new ProcessBuilder("turnserver", "-n", "--no-cli", "--no-tls", "--no-dtls", "--lt-cred-mech",
				"--realm", "bench", "--user", "bench:bench", "--listening-ip", "127.0.0.1", "--listening-port",
				String.valueOf(port), "--allow-loopback-peers", "--userdb", dir.resolve("db").toString(), "--log-file",
				dir.resolve("log").toString(), "--no-stdout-log", "--simple-log")
			.redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
		Runtime.getRuntime().addShutdownHook(new Thread(coturn::destroyForcibly));
		try {
			awaitStun(port);
			NatTraversalConfig nat = NatTraversalConfig.builder()
				.turnServers(List.of(new TurnServer("turn:127.0.0.1:" + port, "bench", "bench")))
				.build();
			// Two rounds, each path once per round: the first round also warms up the JVM and the ciphers.
			List<Result> results = new java.util.ArrayList<>();
			for (int round = 1; round <= 2; round++) {
				try (RatsClient a = node(NatTraversalConfig.defaults()); RatsClient b = node(NatTraversalConfig.defaults())) {
					ConnectionAttemptResult attempt = b.connectToPeer("127.0.0.1", a.listenPort()).get(10, TimeUnit.SECONDS);
					results.add(measure("direct-" + round, a, b, attempt, roundTrips, mebibytes));
				}
				try (RatsClient a = node(nat); RatsClient b = node(nat)) {
					InetSocketAddress relayedA = awaitRelay(a);
					awaitRelay(b);
					ConnectionAttemptResult attempt = b.connectToPeer(relayedA.getAddress().getHostAddress(),
							relayedA.getPort(), ConnectionStrategy.TURN_RELAY).get(20, TimeUnit.SECONDS);
					results.add(measure("turn-" + round, a, b, attempt, roundTrips, mebibytes));
				}
			}
			System.out.println();
			System.out.printf("%-9s %11s %12s %12s %14s%n", "path", "connect ms", "rtt p50 us", "rtt p99 us",
					"bulk MiB/s");
			for (int i = 0; i < results.size(); i++) {
				print(results.get(i), results.get(i - i % 2));
			}
		}
		finally {
			coturn.destroy();
			if (!coturn.waitFor(5, TimeUnit.SECONDS)) {
				coturn.destroyForcibly();
			}
			try (var files = Files.walk(dir)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
		System.exit(0);
	}

	private record Result(String path, double connectMillis, double p50Micros, double p99Micros, double mibPerSecond) {
	}

	private static void print(Result r, Result base) {
		System.out.printf("%-9s %11.1f %12.0f %12.0f %14.1f   (%+.0f us p50, %.2fx throughput vs direct)%n", r.path(),
				r.connectMillis(), r.p50Micros(), r.p99Micros(), r.mibPerSecond(), r.p50Micros() - base.p50Micros(),
				r.mibPerSecond() / base.mibPerSecond());
	}

	private static RatsClient node(NatTraversalConfig nat) {
		RatsClient node = new RatsClient(RatsConfig.builder().listenAddress("127.0.0.1").listenPort(0).natTraversal(nat)
			.maxFrameSize(1 << 20).build());
		node.start();
		return node;
	}

	private static InetSocketAddress awaitRelay(RatsClient node) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline) {
			var relayed = node.natService().flatMap(NatService::relayedAddress);
			if (relayed.isPresent()) {
				return relayed.get();
			}
			TimeUnit.MILLISECONDS.sleep(50); // polling a benchmark's setup
		}
		throw new IllegalStateException("no TURN allocation within 15 s");
	}

	private static Result measure(String path, RatsClient a, RatsClient b, ConnectionAttemptResult attempt,
			int roundTrips, int mebibytes) throws Exception {
		if (!attempt.success()) {
			throw new IllegalStateException(path + " connection failed: " + attempt.error());
		}
		a.on("echo", (message) -> message.reply(Map.of("ok", true)));
		String peer = attempt.peerId();
		for (int i = 0; i < Math.min(1000, roundTrips); i++) {
			b.request(peer, "echo", Map.of(), Duration.ofSeconds(10)).get();
		}
		long[] rtt = new long[roundTrips];
		for (int i = 0; i < roundTrips; i++) {
			long start = System.nanoTime();
			b.request(peer, "echo", Map.of(), Duration.ofSeconds(10)).get();
			rtt[i] = System.nanoTime() - start;
		}
		Arrays.sort(rtt);
		Receiver receiver = new Receiver();
		a.onBinary((from, data) -> receiver.add(data.length));
		bulk(b, peer, Math.max(1, mebibytes / 4), receiver);
		double seconds = bulk(b, peer, mebibytes, receiver);
		return new Result(path, attempt.duration().toNanos() / 1e6, rtt[roundTrips / 2] / 1e3,
				rtt[(int) (roundTrips * 0.99)] / 1e3, mebibytes / seconds);
	}

	/** Sends {@code mebibytes} in 64 KiB BINARY frames, 64 in flight; seconds until the receiver has them all. */
	private static double bulk(RatsClient sender, String peer, int mebibytes, Receiver receiver) throws Exception {
		long total = (long) mebibytes << 20;
		CompletableFuture<Void> done = receiver.await(total);
		byte[] chunk = new byte[CHUNK];
		Semaphore window = new Semaphore(64);
		long start = System.nanoTime();
		for (long sent = 0; sent < total; sent += CHUNK) {
			window.acquire();
			sender.sendBinary(peer, chunk).whenComplete((ignored, ex) -> window.release());
		}
		done.get(5, TimeUnit.MINUTES);
		return (System.nanoTime() - start) / 1e9;
	}

	/** Counts received bytes and completes a future once a target is reached. */
	private static final class Receiver {

		private final AtomicLong received = new AtomicLong();

		private volatile long target = Long.MAX_VALUE;

		private volatile CompletableFuture<Void> done;

		CompletableFuture<Void> await(long bytes) {
			CompletableFuture<Void> future = new CompletableFuture<>();
			this.done = future;
			this.target = this.received.get() + bytes;
			return future;
		}

		void add(int bytes) {
			if (this.received.addAndGet(bytes) >= this.target) {
				this.done.complete(null);
			}
		}

	}

	private static void awaitStun(int port) throws Exception {
		byte[] request = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).build().toBytes();
		try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			socket.setSoTimeout(200);
			for (int attempt = 0; attempt < 75; attempt++) {
				socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
				try {
					socket.receive(new DatagramPacket(new byte[1500], 1500));
					return;
				}
				catch (SocketTimeoutException ex) {
					// not up yet
				}
			}
		}
		throw new IllegalStateException("turnserver did not answer on 127.0.0.1:" + port);
	}

}
