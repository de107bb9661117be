package io.librats.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.librats.noise.AeadImplementation;

/**
 * Everything a {@link io.librats.RatsClient} needs to know before {@code start()}. Immutable; built with
 * {@link #builder()}. Defaults are safe for a public network: encryption on, no public server contacted, bounded
 * buffers everywhere.
 */
public final class RatsConfig {

	/** Default TCP listen port (8080 is usually taken by a web server). */
	public static final int DEFAULT_PORT = 7800;

	/** Default largest frame body, 16 MiB. */
	public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

	/** Largest configurable frame body, 1 GiB. */
	public static final int MAX_FRAME_SIZE_LIMIT = 1 << 30;

	private final String listenAddress;
	private final int listenPort;
	private final int maxPeers;
	private final boolean encryption;
	private final Path stateDir;
	private final String protocolId;
	private final int maxFrameSize;
	private final Duration connectTimeout;
	private final Duration handshakeTimeout;
	private final Duration pingInterval;
	private final Duration peerTimeout;
	private final Duration reconnectInitialDelay;
	private final Duration reconnectMaxDelay;
	private final int reconnectMaxAttempts;
	private final List<PeerAddress> peers;
	private final int ioThreads;
	private final int handlerThreads;
	private final Boolean sharedThreadsSetting;
	private final boolean sharedThreads;
	private final boolean nativeTransport;
	private final int maxOutboundBufferBytes;
	private final int writeBufferLowWaterMark;
	private final int writeBufferHighWaterMark;
	private final int maxPendingInboundMessages;
	private final long maxPendingInboundBytes;
	private final int maxPendingHandshakes;
	private final int maxPendingRequests;
	private final int maxKnownPeers;
	private final AeadImplementation aead;
	private final boolean aesGcm;
	private final NatTraversalConfig natTraversal;

	private RatsConfig(Builder b) {
		this.listenAddress = b.listenAddress;
		if (b.listenPort < 0 || b.listenPort > 65535) {
			throw new IllegalArgumentException("listenPort " + b.listenPort + " is outside 0..65535");
		}
		this.listenPort = b.listenPort;
		this.maxPeers = atLeast(b.maxPeers, 1, "maxPeers");
		this.encryption = b.encryption;
		this.stateDir = b.stateDir;
		this.protocolId = Objects.requireNonNull(b.protocolId, "protocolId");
		if (this.protocolId.isEmpty() || this.protocolId.length() > 64) {
			throw new IllegalArgumentException("protocolId must have 1..64 characters");
		}
		this.maxFrameSize = atLeast(b.maxFrameSize, 1024, "maxFrameSize");
		this.connectTimeout = NatTraversalConfig.positive(b.connectTimeout, "connectTimeout");
		this.handshakeTimeout = NatTraversalConfig.positive(b.handshakeTimeout, "handshakeTimeout");
		this.pingInterval = NatTraversalConfig.positive(b.pingInterval, "pingInterval");
		this.peerTimeout = NatTraversalConfig.positive(b.peerTimeout, "peerTimeout");
		if (this.peerTimeout.compareTo(this.pingInterval) <= 0) {
			throw new IllegalArgumentException("peerTimeout (" + this.peerTimeout
					+ ") must be longer than pingInterval (" + this.pingInterval + ")");
		}
		this.reconnectInitialDelay = NatTraversalConfig.positive(b.reconnectInitialDelay, "reconnectInitialDelay");
		this.reconnectMaxDelay = NatTraversalConfig.positive(b.reconnectMaxDelay, "reconnectMaxDelay");
		this.reconnectMaxAttempts = atLeast(b.reconnectMaxAttempts, 0, "reconnectMaxAttempts");
		this.peers = List.copyOf(b.peers);
		this.ioThreads = atLeast(b.ioThreads, 0, "ioThreads");
		this.handlerThreads = atLeast(b.handlerThreads, 0, "handlerThreads");
		this.sharedThreadsSetting = b.sharedThreads;
		this.sharedThreads = sharedThreads(b);
		this.nativeTransport = b.nativeTransport;
		this.maxOutboundBufferBytes = atLeast(b.maxOutboundBufferBytes, 64 * 1024, "maxOutboundBufferBytes");
		this.writeBufferLowWaterMark = atLeast(b.writeBufferLowWaterMark, 1, "writeBufferLowWaterMark");
		this.writeBufferHighWaterMark = atLeast(b.writeBufferHighWaterMark, b.writeBufferLowWaterMark,
				"writeBufferHighWaterMark");
		this.maxPendingInboundMessages = atLeast(b.maxPendingInboundMessages, 1, "maxPendingInboundMessages");
		if (b.maxPendingInboundBytes < 1) {
			throw new IllegalArgumentException("maxPendingInboundBytes must be positive, was " + b.maxPendingInboundBytes);
		}
		this.maxPendingInboundBytes = b.maxPendingInboundBytes;
		if (this.maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
			throw new IllegalArgumentException("maxFrameSize must be at most " + MAX_FRAME_SIZE_LIMIT + ", was "
					+ this.maxFrameSize);
		}
		if ((long) this.maxOutboundBufferBytes < (long) this.maxFrameSize + 5) {
			throw new IllegalArgumentException("maxOutboundBufferBytes (" + this.maxOutboundBufferBytes
					+ ") must hold at least one frame of maxFrameSize (" + this.maxFrameSize + ") plus its 5-byte header");
		}
		this.maxPendingHandshakes = atLeast(b.maxPendingHandshakes, 1, "maxPendingHandshakes");
		this.maxPendingRequests = atLeast(b.maxPendingRequests, 1, "maxPendingRequests");
		this.maxKnownPeers = atLeast(b.maxKnownPeers, 0, "maxKnownPeers");
		this.aead = b.aead;
		this.aesGcm = b.aesGcm;
		this.natTraversal = Objects.requireNonNull(b.natTraversal, "natTraversal");
	}

	/**
	 * Shared unless the node was given thread counts of its own or told not to share; asking for both is a mistake
	 * worth failing on rather than silently ignoring the counts.
	 */
	private static boolean sharedThreads(Builder b) {
		boolean ownCounts = b.ioThreads > 0 || b.handlerThreads > 0;
		if (b.sharedThreads == null) {
			return !ownCounts;
		}
		if (b.sharedThreads && ownCounts) {
			throw new IllegalArgumentException("ioThreads and handlerThreads size a node's own threads, "
					+ "but sharedThreads is true: drop the counts or set sharedThreads(false)");
		}
		return b.sharedThreads;
	}

	static int atLeast(int value, int min, String name) {
		if (value < min) {
			throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	public static RatsConfig defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Returns a builder preset with this configuration's values. */
	public Builder toBuilder() {
		Builder b = new Builder();
		b.listenAddress = this.listenAddress;
		b.listenPort = this.listenPort;
		b.maxPeers = this.maxPeers;
		b.encryption = this.encryption;
		b.stateDir = this.stateDir;
		b.protocolId = this.protocolId;
		b.maxFrameSize = this.maxFrameSize;
		b.connectTimeout = this.connectTimeout;
		b.handshakeTimeout = this.handshakeTimeout;
		b.pingInterval = this.pingInterval;
		b.peerTimeout = this.peerTimeout;
		b.reconnectInitialDelay = this.reconnectInitialDelay;
		b.reconnectMaxDelay = this.reconnectMaxDelay;
		b.reconnectMaxAttempts = this.reconnectMaxAttempts;
		b.peers = this.peers;
		b.ioThreads = this.ioThreads;
		b.handlerThreads = this.handlerThreads;
		b.sharedThreads = this.sharedThreadsSetting;
		b.nativeTransport = this.nativeTransport;
		b.maxOutboundBufferBytes = this.maxOutboundBufferBytes;
		b.writeBufferLowWaterMark = this.writeBufferLowWaterMark;
		b.writeBufferHighWaterMark = this.writeBufferHighWaterMark;
		b.maxPendingInboundMessages = this.maxPendingInboundMessages;
		b.maxPendingInboundBytes = this.maxPendingInboundBytes;
		b.maxPendingHandshakes = this.maxPendingHandshakes;
		b.maxPendingRequests = this.maxPendingRequests;
		b.maxKnownPeers = this.maxKnownPeers;
		b.aead = this.aead;
		b.aesGcm = this.aesGcm;
		b.natTraversal = this.natTraversal;
		return b;
	}

	/** Address to listen on; {@code null} means every interface, IPv4 and IPv6 (dual stack). */
	public String listenAddress() { return this.listenAddress; }
	/** TCP port to listen on; 0 picks an ephemeral port, readable from {@code RatsClient.listenPort()}. */
	public int listenPort() { return this.listenPort; }
	/** Most peers connected at once, counting both directions. */
	public int maxPeers() { return this.maxPeers; }
	/** Whether sessions are Noise-encrypted. Off only for debugging; an encrypted node refuses an unencrypted one. */
	public boolean encryption() { return this.encryption; }
	/** Directory for the identity key and known peers; {@code null} keeps a throwaway identity in memory. */
	public Path stateDir() { return this.stateDir; }
	/** Application protocol id bound into the Noise prologue: nodes with different ids never complete a handshake. */
	public String protocolId() { return this.protocolId; }
	/** Largest frame body accepted or sent, in bytes. */
	public int maxFrameSize() { return this.maxFrameSize; }
	public Duration connectTimeout() { return this.connectTimeout; }
	/** Time allowed from the moment a connection is open (TCP connected) to the end of the rats handshake. */
	public Duration handshakeTimeout() { return this.handshakeTimeout; }
	/** Silence from a peer after which a liveness ping is sent to it (and at least every 4 intervals for its RTT). */
	public Duration pingInterval() { return this.pingInterval; }
	/** A peer that sends nothing for this long is declared dead and disconnected. */
	public Duration peerTimeout() { return this.peerTimeout; }
	public Duration reconnectInitialDelay() { return this.reconnectInitialDelay; }
	public Duration reconnectMaxDelay() { return this.reconnectMaxDelay; }
	/** Reconnect attempts for peers learned at run time; configured {@link #peers()} are retried forever. */
	public int reconnectMaxAttempts() { return this.reconnectMaxAttempts; }
	/** Static peers to connect to at start and keep connected. */
	public List<PeerAddress> peers() { return this.peers; }
	/**
	 * Netty event loop threads of a node with threads of its own; 0 picks {@code min(2, cores)}. A count above 0
	 * gives the node threads of its own unless {@link #sharedThreads()} was set explicitly.
	 */
	public int ioThreads() { return this.ioThreads; }
	/**
	 * Threads running message handlers and callbacks of a node with threads of its own; 0 picks
	 * {@code max(2, cores)}. A count above 0 gives the node threads of its own unless {@link #sharedThreads()} was set
	 * explicitly.
	 */
	public int handlerThreads() { return this.handlerThreads; }
	/**
	 * Whether this node runs on the JVM's shared rats threads (one set of event loops, handler pool and scheduler for
	 * every node that shares, started with the first and stopped with the last) instead of threads of its own. The
	 * default, as with the shared event loops of gRPC and Reactor Netty: an idle node then costs about 25 KiB instead
	 * of its own threads (each platform thread alone keeps 40–90 KiB of stack resident) and their buffer caches,
	 * while a process with one node runs about the same threads either way. Unset, a node shares unless given
	 * {@link #ioThreads()} or {@link #handlerThreads()}; set it to {@code false} to isolate a node whose handlers must
	 * never wait behind another node's, since sharing nodes' handlers compete for one pool.
	 */
	public boolean sharedThreads() { return this.sharedThreads; }
	/** Use epoll when available; NIO otherwise. */
	public boolean nativeTransport() { return this.nativeTransport; }
	/** Bytes queued for one peer beyond which sends fail fast instead of growing memory. */
	public int maxOutboundBufferBytes() { return this.maxOutboundBufferBytes; }
	public int writeBufferLowWaterMark() { return this.writeBufferLowWaterMark; }
	/** Above this many queued bytes a peer reports itself not writable. */
	public int writeBufferHighWaterMark() { return this.writeBufferHighWaterMark; }
	/** Messages of one peer waiting for a handler beyond which reading from that peer pauses. */
	public int maxPendingInboundMessages() { return this.maxPendingInboundMessages; }
	/** Bytes of one peer's messages waiting for a handler beyond which reading from that peer pauses. */
	public long maxPendingInboundBytes() { return this.maxPendingInboundBytes; }
	/** Inbound connections still in their handshake beyond which new ones are closed at once. */
	public int maxPendingHandshakes() { return this.maxPendingHandshakes; }
	/** Outstanding requests to one peer beyond which {@code request} fails fast. */
	public int maxPendingRequests() { return this.maxPendingRequests; }
	/** Known peers remembered in the state directory. */
	public int maxKnownPeers() { return this.maxKnownPeers; }
	/** AEAD implementation; {@code null} picks the faster one on this JVM by measurement. */
	public AeadImplementation aead() { return this.aead; }
	/**
	 * Whether this node offers AES-256-GCM as its Noise cipher where the JVM runs AES on the CPU's own instructions
	 * ({@code NoiseCipher.hardwareAesGcm()}); a connection uses it only when both peers offer it, else
	 * ChaCha20-Poly1305. Default true.
	 */
	public boolean aesGcm() { return this.aesGcm; }
	public NatTraversalConfig natTraversal() { return this.natTraversal; }

	@Override
	public String toString() {
		return "RatsConfig[listen=" + ((this.listenAddress != null) ? this.listenAddress : "*") + ":" + this.listenPort
				+ ", maxPeers=" + this.maxPeers + ", encryption=" + this.encryption + ", stateDir=" + this.stateDir
				+ ", protocolId=" + this.protocolId + ", peers=" + this.peers + ", nat=" + this.natTraversal + "]";
	}

	/** Builder for {@link RatsConfig}. */
	public static final class Builder {

		private String listenAddress;
		private int listenPort = DEFAULT_PORT;
		private int maxPeers = 50;
		private boolean encryption = true;
		private Path stateDir;
		private String protocolId = "rats";
		private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
		private Duration connectTimeout = Duration.ofSeconds(10);
		private Duration handshakeTimeout = Duration.ofSeconds(10);
		private Duration pingInterval = Duration.ofSeconds(15);
		private Duration peerTimeout = Duration.ofSeconds(45);
		private Duration reconnectInitialDelay = Duration.ofSeconds(1);
		private Duration reconnectMaxDelay = Duration.ofSeconds(60);
		private int reconnectMaxAttempts = 10;
		private List<PeerAddress> peers = List.of();
		private int ioThreads = 0;
		private int handlerThreads = 0;
		private Boolean sharedThreads;
		private boolean nativeTransport = true;
		private int maxOutboundBufferBytes = 64 * 1024 * 1024;
		private int writeBufferLowWaterMark = 512 * 1024;
		private int writeBufferHighWaterMark = 2 * 1024 * 1024;
		private int maxPendingInboundMessages = 8192;
		private long maxPendingInboundBytes = 64L * 1024 * 1024;
		private int maxPendingHandshakes = 128;
		private int maxPendingRequests = 10_000;
		private int maxKnownPeers = 1000;
		private AeadImplementation aead;
		private boolean aesGcm = true;
		private NatTraversalConfig natTraversal = NatTraversalConfig.defaults();

		private Builder() {
		}

		public Builder listenAddress(String value) { this.listenAddress = value; return this; }
		public Builder listenPort(int value) { this.listenPort = value; return this; }
		public Builder maxPeers(int value) { this.maxPeers = value; return this; }
		public Builder encryption(boolean value) { this.encryption = value; return this; }
		public Builder stateDir(Path value) { this.stateDir = value; return this; }
		public Builder protocolId(String value) { this.protocolId = value; return this; }
		public Builder maxFrameSize(int value) { this.maxFrameSize = value; return this; }
		public Builder connectTimeout(Duration value) { this.connectTimeout = value; return this; }
		public Builder handshakeTimeout(Duration value) { this.handshakeTimeout = value; return this; }
		public Builder pingInterval(Duration value) { this.pingInterval = value; return this; }
		public Builder peerTimeout(Duration value) { this.peerTimeout = value; return this; }
		public Builder reconnectInitialDelay(Duration value) { this.reconnectInitialDelay = value; return this; }
		public Builder reconnectMaxDelay(Duration value) { this.reconnectMaxDelay = value; return this; }
		public Builder reconnectMaxAttempts(int value) { this.reconnectMaxAttempts = value; return this; }
		public Builder peers(List<PeerAddress> value) { this.peers = List.copyOf(value); return this; }
		public Builder ioThreads(int value) { this.ioThreads = value; return this; }
		public Builder handlerThreads(int value) { this.handlerThreads = value; return this; }
		public Builder sharedThreads(boolean value) { this.sharedThreads = value; return this; }
		public Builder nativeTransport(boolean value) { this.nativeTransport = value; return this; }
		public Builder maxOutboundBufferBytes(int value) { this.maxOutboundBufferBytes = value; return this; }
		public Builder writeBufferLowWaterMark(int value) { this.writeBufferLowWaterMark = value; return this; }
		public Builder writeBufferHighWaterMark(int value) { this.writeBufferHighWaterMark = value; return this; }
		public Builder maxPendingInboundMessages(int value) { this.maxPendingInboundMessages = value; return this; }
		public Builder maxPendingInboundBytes(long value) { this.maxPendingInboundBytes = value; return this; }
		public Builder maxPendingHandshakes(int value) { this.maxPendingHandshakes = value; return this; }
		public Builder maxPendingRequests(int value) { this.maxPendingRequests = value; return this; }
		public Builder maxKnownPeers(int value) { this.maxKnownPeers = value; return this; }
		public Builder aead(AeadImplementation value) { this.aead = value; return this; }
		public Builder aesGcm(boolean value) { this.aesGcm = value; return this; }
		public Builder natTraversal(NatTraversalConfig value) { this.natTraversal = value; return this; }

		public RatsConfig build() {
			return new RatsConfig(this);
		}

	}

}
