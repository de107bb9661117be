package io.librats.testsupport.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running child process (usually inside a {@link Netns}) that a test talks to line by line: commands on its
 * standard input, answers and events on its standard output (standard error merged). Every line is echoed to this
 * JVM's output with the process label, so a failing test shows what each child said.
 */
public final class NetnsProcess implements AutoCloseable {

	/** Lines kept for {@link #output()}; a chatty child must not grow the test's heap without bound. */
	private static final int MAX_LINES = 20_000;

	private final String label;

	private final Process process;

	private final Writer stdin;

	private final List<String> lines = new ArrayList<>();

	private NetnsProcess(String label, Process process) {
		this.label = label;
		this.process = process;
		this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readOutput, "child-" + label);
		reader.setDaemon(true);
		reader.start();
	}

	static NetnsProcess start(String label, List<String> command) {
		try {
			return new NetnsProcess(label, new ProcessBuilder(command).redirectErrorStream(true).start());
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start " + String.join(" ", command), ex);
		}
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[" + this.label + "] " + line);
				synchronized (this.lines) {
					if (this.lines.size() < MAX_LINES) {
						this.lines.add(line);
					}
					this.lines.notifyAll();
				}
			}
		}
		catch (IOException ex) {
			// the process went away; what it said so far stays readable
		}
		finally {
			synchronized (this.lines) {
				this.lines.notifyAll();
			}
		}
	}

	/** Writes one command line to the child's standard input. */
	public void send(String line) {
		try {
			this.stdin.write(line);
			this.stdin.write('\n');
			this.stdin.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(this.label + " does not take input any more (exited with "
					+ exitCodeOrRunning() + ")", ex);
		}
	}

	/**
	 * Waits for the first line, from the {@code from}-th on, that matches {@code pattern}, and returns its match.
	 * Fails with everything the child said when the time runs out or the child exits first.
	 */
	public Matcher awaitLine(Pattern pattern, int from, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int next = from;
		synchronized (this.lines) {
			while (true) {
				for (; next < this.lines.size(); next++) {
					Matcher matcher = pattern.matcher(this.lines.get(next));
					if (matcher.find()) {
						return matcher;
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0 || (!this.process.isAlive() && next >= this.lines.size() && readerDone())) {
					throw new AssertionError(this.label + ": no line matching /" + pattern + "/ within " + timeout
							+ " (process " + exitCodeOrRunning() + "); it said:\n" + String.join("\n", this.lines));
				}
				try {
					this.lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("interrupted", ex);
				}
			}
		}
	}

	/** {@link #awaitLine(Pattern, int, Duration)} from the first line on. */
	public Matcher awaitLine(String regex, Duration timeout) {
		return awaitLine(Pattern.compile(regex), 0, timeout);
	}

	/** Sends a command and waits for its answer among the lines printed after it was sent. */
	public Matcher request(String command, String answerRegex, Duration timeout) {
		int from = lineCount();
		send(command);
		return awaitLine(Pattern.compile(answerRegex), from, timeout);
	}

	private boolean readerDone() {
		// After exit the reader drains the pipe quickly; one more short wait round is enough to see the last lines.
		return !this.process.isAlive();
	}

	public int lineCount() {
		synchronized (this.lines) {
			return this.lines.size();
		}
	}

	public List<String> output() {
		synchronized (this.lines) {
			return List.copyOf(this.lines);
		}
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	private String exitCodeOrRunning() {
		return this.process.isAlive() ? "still running" : "exited with " + this.process.exitValue();
	}

	/**
	 * Closes the child's input (a polite stop for children that exit on end of input), waits briefly, then kills
	 * it and its descendants. Idempotent, never throws.
	 */
	@Override
	public void close() {
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// already gone
		}
		try {
			if (!this.process.waitFor(3, TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
