package io.librats.natlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;

import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.NetnsProcess;

/**
 * coturn (Debian's {@code turnserver}) in the lab's relay namespace, listening only on the lab's two server addresses
 * with the alternate port, as RFC 5780 behaviour discovery needs, and with a long-term credential user. Neither
 * {@code --external-ip} nor {@code --relay-ip} is set: with either, coturn cannot answer CHANGE-REQUEST. Its pid file
 * and user database live in a directory of this run, removed on {@link #close()}.
 */
public final class LabCoturn implements AutoCloseable {

	/** STUN/TURN port on both addresses. */
	public static final int PORT = 3478;

	/** The alternate port RFC 5780 answers CHANGE-REQUEST (change port) from. */
	public static final int ALT_PORT = 3479;

	public static final String REALM = "lab.rats";

	public static final String USER = "rats-lab";

	private final String primary;

	private final String secondary;

	private final Duration maxAllocateLifetime;

	private final String password = UUID.randomUUID().toString();

	private final Path dir;

	private final NetnsProcess process;

	private LabCoturn(Netns netns, String primary, String secondary, Duration maxAllocateLifetime) {
		this.primary = primary;
		this.secondary = secondary;
		this.maxAllocateLifetime = maxAllocateLifetime;
		try {
			this.dir = Files.createTempDirectory("rats-lab-coturn");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.process = netns.start("coturn", List.of("turnserver", "-n", "--no-cli", "--no-tls", "--no-dtls",
				"-L", primary, "-L", secondary, "--listening-port", String.valueOf(PORT),
				"--alt-listening-port", String.valueOf(ALT_PORT), "--lt-cred-mech", "--realm", REALM,
				"--user", USER + ":" + this.password, "--fingerprint",
				// The "=" form: coturn 4.6.1 rejects "--max-allocate-lifetime 30" as an unknown argument.
				"--max-allocate-lifetime=" + maxAllocateLifetime.toSeconds(),
				"--pidfile", this.dir.resolve("turnserver.pid").toString(),
				"--userdb", this.dir.resolve("turndb").toString(), "--log-file", "stdout", "--simple-log",
				"--verbose"));
		// Ready once both UDP listeners and the alternate port are bound.
		Awaitility.await("coturn listening on " + primary + " and " + secondary)
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String sockets = netns.exec("ss", "-Hlun");
				return sockets.contains(primary + ":" + PORT) && sockets.contains(secondary + ":" + ALT_PORT);
			});
	}

	static LabCoturn start(Netns netns, String primary, String secondary, Duration maxAllocateLifetime) {
		return new LabCoturn(netns, primary, secondary, maxAllocateLifetime);
	}

	/** {@code host:port} of the STUN service on the primary address. */
	public String stunServer() {
		return this.primary + ":" + PORT;
	}

	public String primaryAddress() {
		return this.primary;
	}

	public String secondaryAddress() {
		return this.secondary;
	}

	/** The {@code turn:} URL of the primary address. */
	public String turnUrl() {
		return "turn:" + this.primary + ":" + PORT;
	}

	public String password() {
		return this.password;
	}

	/** The longest allocation lifetime coturn grants here. */
	public Duration maxAllocateLifetime() {
		return this.maxAllocateLifetime;
	}

	/** coturn's log, line by line as it prints it. */
	public NetnsProcess log() {
		return this.process;
	}

	@Override
	public void close() {
		// coturn ignores the end of its input: a SIGTERM ends it at once instead of after the polite wait.
		// (`ip netns exec` runs turnserver in its own process, so the pid is coturn's.)
		ProcessHandle.of(this.process.pid()).ifPresent(ProcessHandle::destroy);
		this.process.close();
		try (var files = Files.list(this.dir)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(this.dir);
		}
		catch (IOException ex) {
			// a leftover temporary directory is harmless
		}
	}

	@Override
	public String toString() {
		// The password stays out of test output.
		return "coturn[" + this.primary + ", " + this.secondary + ", port " + PORT + "/" + ALT_PORT + "]";
	}

}
