package io.librats.testsupport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.librats.config.TurnServer;
import io.librats.stun.StunClass;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;

/**
 * A real coturn {@code turnserver} for a test: writes nothing outside its own temp directory, listens on ports it
 * found free on the given loopback (or lab) addresses, is started by {@link #start()} only when it answers a STUN
 * Binding request, and is killed by {@link #close()} (and by a shutdown hook, should the JVM exit first). Use it from
 * {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <pre>{@code
 * static CoturnServer coturn;
 * @BeforeAll static void start() throws Exception { coturn = CoturnServer.builder().start(); }
 * @AfterAll static void stop() { coturn.close(); }
 * }</pre>
 *
 * The first listening address is the primary; with a second address and the alternate port (on by default),
 * coturn answers RFC 5780 CHANGE-REQUESTs.
 */
public final class CoturnServer implements AutoCloseable {

	public static final String USER = "rats";

	public static final String PASSWORD = "rats-secret";

	public static final String REALM = "rats.test";

	private final Builder builder;

	private final Path directory;

	private final int port;

	private Process process;

	private Thread shutdownHook;

	private CoturnServer(Builder builder, Path directory, int port) {
		this.builder = builder;
		this.directory = directory;
		this.port = port;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Whether {@code turnserver} is installed (Debian package {@code coturn}, installed by {@code .ci/install}). */
	public static boolean installed() {
		return Stream.of("/usr/bin/turnserver", "/usr/local/bin/turnserver").anyMatch((p) -> Files.isExecutable(Path.of(p)));
	}

	/** The primary listening port (UDP and TCP); the alternate port is one above. */
	public int port() {
		return this.port;
	}

	public int altPort() {
		return this.port + 1;
	}

	/** The primary address and port, as a STUN server entry "host:port". */
	public String stunServer() {
		return hostPort(this.builder.listeningIps.get(0), this.port);
	}

	/** STUN server entry for the listening address at {@code index}. */
	public String stunServer(int index) {
		return hostPort(this.builder.listeningIps.get(index), this.port);
	}

	public InetSocketAddress address() {
		return new InetSocketAddress(this.builder.listeningIps.get(0), this.port);
	}

	/** A TURN server entry with the test user's credentials, on the primary address. */
	public TurnServer turnServer() {
		return new TurnServer("turn:" + stunServer(), USER, PASSWORD);
	}

	/** The server's log so far (for assertions and for failure messages). */
	public String log() {
		try {
			Path log = this.directory.resolve("turn.log");
			return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
		}
		catch (IOException ex) {
			return "(cannot read log: " + ex.getMessage() + ")";
		}
	}

	private static String hostPort(String ip, int port) {
		return (ip.indexOf(':') >= 0) ? "[" + ip + "]:" + port : ip + ":" + port;
	}

	private void launch() throws IOException {
		List<String> command = new ArrayList<>(this.builder.commandPrefix);
		command.addAll(List.of("turnserver", "-n", "-v", "--no-cli", "--no-tls", "--no-dtls", "--lt-cred-mech",
				"--fingerprint", "--realm", REALM, "--user", USER + ":" + PASSWORD, "--listening-port",
				String.valueOf(this.port), "--alt-listening-port", String.valueOf(this.port + 1), "--userdb",
				this.directory.resolve("turndb").toString(), "--pidfile", this.directory.resolve("turn.pid").toString(),
				"--log-file", this.directory.resolve("turn.log").toString(), "--simple-log", "--no-stdout-log",
				"--max-allocate-lifetime=" + this.builder.maxAllocateLifetime.toSeconds(), "--no-multicast-peers"));
		for (String ip : this.builder.listeningIps) {
			command.add("--listening-ip");
			command.add(ip);
		}
		if (this.builder.allowLoopbackPeers) {
			command.add("--allow-loopback-peers");
		}
		if (this.builder.staleNonce != null) {
			command.add("--stale-nonce=" + this.builder.staleNonce.toSeconds());
		}
		if (this.builder.permissionLifetime != null) {
			command.add("--permission-lifetime=" + this.builder.permissionLifetime.toSeconds());
		}
		if (this.builder.channelLifetime != null) {
			command.add("--channel-lifetime=" + this.builder.channelLifetime.toSeconds());
		}
		// coturn takes "--option=value" for options with optional values; "--option value" is refused at start-up.
		command.addAll(this.builder.extraArguments);
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("turn.out").toFile())
			.start();
		Process started = this.process;
		this.shutdownHook = new Thread(started::destroyForcibly, "coturn-killer");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/** Sends Binding requests until one is answered, or fails after the start timeout. */
	private void awaitAnswer() throws IOException {
		long deadline = System.nanoTime() + this.builder.startTimeout.toNanos();
		InetAddress primary = InetAddress.getByName(this.builder.listeningIps.get(0));
		try (DatagramSocket socket = new DatagramSocket(0, primary.isLoopbackAddress() ? primary : null)) {
			socket.setSoTimeout(100);
			byte[] request = StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).build().toBytes();
			byte[] buffer = new byte[1500];
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IOException("turnserver exited with " + this.process.exitValue() + ": " + output());
				}
				socket.send(new DatagramPacket(request, request.length, primary, this.port));
				try {
					DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
					socket.receive(answer);
					if (StunMessage.looksLikeStun(buffer, 0, answer.getLength())) {
						return;
					}
				}
				catch (SocketTimeoutException ex) {
					// not up yet
				}
			}
		}
		throw new IOException("turnserver did not answer within " + this.builder.startTimeout + ": " + output());
	}

	private String output() {
		try {
			Path out = this.directory.resolve("turn.out");
			return (Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "") + log();
		}
		catch (IOException ex) {
			return ex.getMessage();
		}
	}

	/** Kills the server and deletes its directory; safe to call twice or after a failed start. */
	@Override
	public void close() {
		if (this.process != null) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
			try {
				Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
			}
			catch (IllegalStateException ex) {
				// already shutting down: the hook runs anyway
			}
			this.process = null;
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: a temp directory
		}
	}

	/** What to start. */
	public static final class Builder {

		private List<String> listeningIps = List.of("127.0.0.1", "127.0.0.2");

		private List<String> commandPrefix = List.of();

		private List<String> extraArguments = List.of();

		private Duration maxAllocateLifetime = Duration.ofMinutes(10);

		private Duration staleNonce;

		private Duration permissionLifetime;

		private Duration channelLifetime;

		private Duration startTimeout = Duration.ofSeconds(15);

		private boolean allowLoopbackPeers = true;

		private int port;

		private Builder() {
		}

		/** Listening addresses; the first is the primary. Default 127.0.0.1 and 127.0.0.2 (RFC 5780). */
		public Builder listeningIps(String... ips) {
			this.listeningIps = List.of(ips);
			return this;
		}

		/** Runs turnserver under a prefix, for example {@code ip netns exec NAME} in a lab. */
		public Builder commandPrefix(String... prefix) {
			this.commandPrefix = List.of(prefix);
			return this;
		}

		public Builder extraArguments(String... arguments) {
			this.extraArguments = List.of(arguments);
			return this;
		}

		/** coturn's {@code --max-allocate-lifetime}: the longest allocation lifetime clients get. */
		public Builder maxAllocateLifetime(Duration value) {
			this.maxAllocateLifetime = value;
			return this;
		}

		/** coturn's {@code --stale-nonce=N}: nonces expire after N seconds (438 Stale Nonce). */
		public Builder staleNonce(Duration value) {
			this.staleNonce = value;
			return this;
		}

		public Builder permissionLifetime(Duration value) {
			this.permissionLifetime = value;
			return this;
		}

		public Builder channelLifetime(Duration value) {
			this.channelLifetime = value;
			return this;
		}

		public Builder allowLoopbackPeers(boolean value) {
			this.allowLoopbackPeers = value;
			return this;
		}

		/** A fixed primary port (the lab's own namespace); by default a free one is picked. */
		public Builder port(int value) {
			this.port = value;
			return this;
		}

		public Builder startTimeout(Duration value) {
			this.startTimeout = Objects.requireNonNull(value);
			return this;
		}

		/** Starts coturn and waits until it answers; on failure nothing is left running. */
		public CoturnServer start() throws IOException {
			Path directory = Files.createTempDirectory("rats-coturn-");
			int chosen = (this.port != 0) ? this.port : freePortPair(this.commandPrefix.isEmpty() ? this.listeningIps : List.of());
			CoturnServer server = new CoturnServer(this, directory, chosen);
			try {
				server.launch();
				server.awaitAnswer();
				return server;
			}
			catch (IOException | RuntimeException ex) {
				server.close();
				throw ex;
			}
		}

		/** A port P such that P and P+1 are free for UDP and TCP on every address; random, so parallel runs differ. */
		private static int freePortPair(List<String> ips) throws IOException {
			for (int attempt = 0; attempt < 200; attempt++) {
				int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000) & ~1;
				if (ips.stream().allMatch((ip) -> free(ip, candidate) && free(ip, candidate + 1))) {
					return candidate;
				}
			}
			throw new IOException("no free port pair found");
		}

		private static boolean free(String ip, int port) {
			try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getByName(ip));
					DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), port))) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
