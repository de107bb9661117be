package io.librats.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * This benchmark program started again as a second JVM, talked to over its standard input and output. Lines the
 * child prints that do not start with {@code THIN} are echoed, indented.
 */
final class ChildProcess implements AutoCloseable {

	private final Process process;

	private final Writer stdin;

	private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

	private final List<String> command;

	ChildProcess(List<String> jvmFlags, List<String> programArgs) throws IOException {
		String java = ProcessHandle.current().info().command()
			.orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		String classPath = System.getProperty("java.class.path");
		List<String> cmd = new ArrayList<>();
		cmd.add(java);
		cmd.addAll(jvmFlags);
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			cmd.add("-jar");
			cmd.add(classPath);
		}
		else {
			cmd.add("-cp");
			cmd.add(classPath);
			cmd.add(BenchmarkMain.class.getName());
		}
		cmd.addAll(programArgs);
		this.command = cmd;
		this.process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		this.stdin = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					if (line.startsWith("THIN ")) {
						this.replies.add(line.substring(5));
					}
					else {
						System.out.println("    [child] " + line);
					}
				}
			}
			catch (IOException ex) {
				// child gone
			}
		}, "child-stdout");
		reader.setDaemon(true);
		reader.start();
	}

	String commandLine() {
		return String.join(" ", this.command);
	}

	/** Sends a command (null: none) and waits for the child's next reply line, which must start with {@code word}. */
	String call(String line, String word, Duration timeout) throws IOException, InterruptedException {
		if (line != null) {
			this.stdin.write(line + "\n");
			this.stdin.flush();
		}
		String reply = this.replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (reply == null) {
			throw new IllegalStateException("child did not answer '" + line + "' within " + timeout);
		}
		if (!reply.startsWith(word)) {
			throw new IllegalStateException("child answered '" + reply + "' to '" + line + "'");
		}
		return reply;
	}

	@Override
	public void close() throws InterruptedException {
		try {
			call("quit", "BYE", Duration.ofSeconds(20));
		}
		catch (IOException | RuntimeException ex) {
			// already gone
		}
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroy();
		}
	}

}
