package io.librats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.librats.config.RatsConfig;
import io.librats.transport.NetworkBinding;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The threads nodes run on: Netty event loops, the handler pool and the scheduler. Either shared by every node of
 * the JVM that shares, the default (one set per binding, reference counted, stopped when the last of those nodes
 * stops), or owned by one node. Nodes never use these executors directly but through their own
 * {@link NodeExecutor} and {@link NodeScheduler} views, so stopping one node never stops another's work.
 */
final class ThreadSet {

	private static final Map<String, ThreadSet> shared = new HashMap<>();

	private final String key;

	final EventLoopGroup io;

	final ThreadPoolExecutor handlers;

	final ScheduledThreadPoolExecutor scheduler;

	private int references = 1;

	private ThreadSet(String key, NetworkBinding binding, int ioThreads, int handlerThreads, String suffix) {
		this.key = key;
		this.io = binding.newEventLoopGroup(ioThreads, new DefaultThreadFactory("rats-io-" + suffix, true));
		this.handlers = new ThreadPoolExecutor(handlerThreads, handlerThreads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new DefaultThreadFactory("rats-handler-" + suffix, true));
		this.scheduler = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("rats-scheduler-" + suffix, true));
		this.scheduler.setRemoveOnCancelPolicy(true);
		startThreads((key != null) ? Math.min(2, ioThreads) : ioThreads);
	}

	/** The threads a node with this configuration runs on: the shared ones, or its own named after it. */
	static ThreadSet forNode(RatsConfig config, NetworkBinding binding, String shortId) {
		if (config.sharedThreads()) {
			return shared(binding);
		}
		int cores = Runtime.getRuntime().availableProcessors();
		int io = (config.ioThreads() > 0) ? config.ioThreads() : Math.min(2, cores);
		int handlers = (config.handlerThreads() > 0) ? config.handlerThreads() : Math.max(2, cores);
		return new ThreadSet(null, binding, io, handlers, shortId);
	}

	/** The JVM's shared threads for this binding, created by the first node that asks. */
	private static ThreadSet shared(NetworkBinding binding) {
		synchronized (shared) {
			ThreadSet set = shared.get(binding.name());
			if (set != null) {
				set.references++;
				return set;
			}
			int cores = Runtime.getRuntime().availableProcessors();
			set = new ThreadSet(binding.name(), binding, Math.max(1, cores), Math.max(2, cores),
					"shared-" + binding.name());
			shared.put(binding.name(), set);
			return set;
		}
	}

	/** Whether this binding's shared threads are running (some node holds them). */
	static boolean sharedRunning(String bindingName) {
		synchronized (shared) {
			return shared.containsKey(bindingName);
		}
	}

	/** Drops one reference; the last one stops the threads, bounded in time. */
	void release() {
		synchronized (shared) {
			if (--this.references > 0) {
				return;
			}
			if (this.key != null) {
				shared.remove(this.key);
			}
		}
		this.scheduler.shutdownNow();
		this.handlers.shutdown();
		this.io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
		awaitOrAbandon(this.handlers);
	}

	/** Waits up to 2 s for a shut-down executor's tasks, then gives up on the ones still queued. */
	static void awaitOrAbandon(ExecutorService executor) {
		try {
			if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the handler and scheduler threads and the first event loops now rather than on first use, so a started
	 * node's first connection or message does not pay for thread creation. The shared set starts only two loops up
	 * front: on a many-core machine a process with one node would otherwise keep a loop per core idle, and Netty
	 * starts the rest when connections are first assigned to them.
	 */
	private void startThreads(int loopsToStart) {
		this.handlers.prestartAllCoreThreads();
		this.scheduler.prestartAllCoreThreads();
		List<EventExecutor> loops = new ArrayList<>();
		this.io.forEach(loops::add);
		List<EventExecutor> starting = loops.subList(0, Math.min(loopsToStart, loops.size()));
		CountDownLatch started = new CountDownLatch(starting.size());
		starting.forEach((loop) -> loop.execute(started::countDown));
		try {
			started.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
