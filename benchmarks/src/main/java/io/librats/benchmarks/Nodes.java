package io.librats.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.config.RatsConfig;

/** Starts rats nodes on 127.0.0.1 with ephemeral ports and in-memory identities; stops them all on close. */
final class Nodes implements AutoCloseable {

	static final String LOOPBACK = "127.0.0.1";

	/** What nodes with default threads run on, for reports. */
	static String defaultThreads() {
		return "the JVM's shared rats threads (" + Cpu.cores() + " event loops, " + Math.max(2, Cpu.cores())
				+ " handler threads, 1 scheduler)";
	}

	private final Env env;

	private final List<RatsClient> started = new ArrayList<>();

	Nodes(Env env) {
		this.env = env;
	}

	/** A node with the library defaults except: loopback only, ephemeral port, no state directory, the run's AEAD. */
	RatsClient start(UnaryOperator<RatsConfig.Builder> customizer) {
		RatsClient node = create(this.env, customizer);
		node.start();
		this.started.add(node);
		return node;
	}

	/** A node configured like {@link #start}, neither started nor stopped by this class. */
	static RatsClient create(Env env, UnaryOperator<RatsConfig.Builder> customizer) {
		RatsConfig.Builder builder = RatsConfig.builder()
			.listenAddress(LOOPBACK)
			.listenPort(0)
			.stateDir(null)
			.aead(env.aead)
			.aesGcm(env.aesGcm);
		return new RatsClient(customizer.apply(builder).build());
	}

	RatsClient start() {
		return start(UnaryOperator.identity());
	}

	/** Connects {@code from} to {@code to} and waits until both sides have admitted the other. */
	static String connect(RatsClient from, RatsClient to) {
		ConnectionAttemptResult result = from.connectToPeer(LOOPBACK, to.listenPort()).join();
		if (!result.success()) {
			throw new IllegalStateException("connect failed: " + result.error());
		}
		await(() -> to.isConnected(from.peerId()), Duration.ofSeconds(10), "peer admitted on the accepting side");
		return result.peerId();
	}

	static void await(BooleanSupplier condition, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
			}
			Memory.sleep(1);
		}
	}

	static void parkMicros(long micros) {
		java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
	}

	@Override
	public void close() {
		for (RatsClient node : this.started) {
			node.stop();
		}
		this.started.clear();
	}

}
