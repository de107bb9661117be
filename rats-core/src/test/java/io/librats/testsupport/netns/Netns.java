package io.librats.testsupport.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace this test run owns: created with a unique name, torn down on {@link #close()} (and by a JVM
 * shutdown hook if the test dies first) together with every process still running in it. A JVM cannot move its own
 * threads into a namespace, so whatever must run inside one is a child process: {@link #exec} for a command that
 * finishes, {@link #start} for a long-running one.
 */
public final class Netns implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

	private static final Set<Netns> open = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> open.forEach(Netns::close), "netns-cleanup"));
	}

	private final String name;

	private final List<NetnsProcess> processes = new ArrayList<>();

	private Netns(String name) {
		this.name = name;
	}

	/**
	 * Creates a namespace named {@code prefix} plus a random suffix, with {@code lo} up. Skips the test (a failure
	 * under {@code CI=true}) when this machine cannot create namespaces.
	 */
	public static Netns create(String prefix) {
		assumeNamespacesWork();
		String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
		host("ip", "netns", "add", name);
		Netns netns = new Netns(name);
		open.add(netns);
		netns.exec("ip", "link", "set", "lo", "up");
		netns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
		return netns;
	}

	/** Skips (fails under CI) unless we are root with a working {@code ip netns}. */
	public static void assumeNamespacesWork() {
		Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
		Assumptions.assumeTrue(Commands.run(List.of("ip", "netns", "list"), COMMAND_TIMEOUT).exitCode() == 0,
				"`ip netns` does not work here (is iproute2 installed?)");
	}

	public String name() {
		return this.name;
	}

	/** Runs a command inside the namespace and returns its standard output; fails on a non-zero exit. */
	public String exec(String... command) {
		return Commands.check(inside(List.of(command)), COMMAND_TIMEOUT);
	}

	/** Runs a command inside the namespace and returns its exit code and output, whatever the exit code. */
	public Commands.Result run(String... command) {
		return Commands.run(inside(List.of(command)), COMMAND_TIMEOUT);
	}

	/** Starts a long-running command inside the namespace; it is killed when this namespace closes, if not before. */
	public NetnsProcess start(String label, List<String> command) {
		NetnsProcess process = NetnsProcess.start(label + "@" + this.name, inside(command));
		synchronized (this.processes) {
			this.processes.add(process);
		}
		return process;
	}

	/** Starts {@code mainClass} in a child JVM on this test's class path, inside the namespace. */
	public NetnsProcess startJava(String label, Class<?> mainClass, List<String> jvmOptions, String... args) {
		return start(label, JavaCommand.of(mainClass, jvmOptions, args));
	}

	List<String> inside(List<String> command) {
		List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", this.name));
		full.addAll(command);
		return full;
	}

	/** Runs a command in the host namespace (creating veths, moving them into namespaces); fails on a non-zero exit. */
	public static String host(String... command) {
		return Commands.check(List.of(command), COMMAND_TIMEOUT);
	}

	/** Kills what still runs in the namespace, then deletes it. Idempotent, never throws. */
	@Override
	public void close() {
		if (!open.remove(this)) {
			return;
		}
		synchronized (this.processes) {
			this.processes.forEach(NetnsProcess::close);
		}
		// Processes started by others (a daemon forking, a command we did not start) would keep the namespace alive.
		Commands.Result pids = Commands.run(List.of("ip", "netns", "pids", this.name), COMMAND_TIMEOUT);
		for (String pid : pids.output().split("\\s+")) {
			if (!pid.isBlank()) {
				ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
			}
		}
		Commands.run(List.of("ip", "netns", "delete", this.name), COMMAND_TIMEOUT);
	}

	@Override
	public String toString() {
		return this.name;
	}

	/** Running short commands with a bounded wait. */
	public static final class Commands {

		private Commands() {
		}

		public record Result(int exitCode, String output) {
		}

		public static Result run(List<String> command, Duration timeout) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				process.getOutputStream().close();
				// Output is read after the wait: commands here print little, far below the pipe's buffer.
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command));
				}
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				return new Result(process.exitValue(), output);
			}
			catch (IOException ex) {
				return new Result(-1, ex.toString());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Result(-1, "interrupted");
			}
		}

		public static String check(List<String> command, Duration timeout) {
			Result result = run(command, timeout);
			if (result.exitCode() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed (" + result.exitCode() + "): "
						+ result.output().strip());
			}
			return result.output();
		}

	}

}
