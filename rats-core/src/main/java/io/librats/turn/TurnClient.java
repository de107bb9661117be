package io.librats.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.librats.metrics.RatsMetrics;
import io.librats.stun.ChannelData;
import io.librats.stun.StunAttribute;
import io.librats.stun.StunClass;
import io.librats.stun.StunClient;
import io.librats.stun.StunCredentials;
import io.librats.stun.StunErrorResponseException;
import io.librats.stun.StunException;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;
import io.librats.stun.StunResponse;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TURN allocation (RFC 8656, compatible with RFC 5766 servers) over a {@link StunClient}: UDP, or a TCP control
 * connection for TCP allocations (RFC 6062). Long-term credentials: the first request goes without them, the 401
 * answer brings REALM and NONCE, and every request after that is signed; a 438 Stale Nonce (or a 401 with a new
 * nonce) is retried once with the nonce it carries. The allocation is refreshed after
 * {@code refreshFraction} of its granted lifetime (at most every {@code refreshInterval}), permissions and channel
 * bindings before their 300 s / 600 s lifetimes, and deallocated (Refresh with LIFETIME 0) by {@link #close()}.
 *
 * <p>Data to a peer goes as ChannelData once a channel is bound, otherwise in a Send indication; data from peers
 * arrives in ChannelData or Data indications and is handed to {@link #onData}. Timers run on the client's event
 * loop; futures complete there.
 */
public final class TurnClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TurnClient.class);

	/** IANA protocol numbers for REQUESTED-TRANSPORT. */
	public static final int UDP = 17;

	public static final int TCP = 6;

	/** RFC 8656: permissions last 300 s and channel bindings 600 s; refreshed at these ages at the latest. */
	private static final Duration PERMISSION_REFRESH = Duration.ofSeconds(240);

	private static final Duration CHANNEL_REFRESH = Duration.ofSeconds(540);

	/** Requests sent at most per operation: unauthenticated, authenticated, and one nonce retry. */
	private static final int MAX_SENDS = 3;

	/** Permissions and channels per allocation; more would only be a peer flooding us. */
	static final int MAX_PEERS = 1024;

	private final StunClient stun;

	private final InetSocketAddress server;

	private final String username;

	private final String password;

	private final double refreshFraction;

	private final Duration refreshInterval;

	private final RatsMetrics metrics;

	private final Map<InetAddress, ScheduledFuture<?>> permissions = new ConcurrentHashMap<>();

	private final Map<InetSocketAddress, Integer> channelsByPeer = new ConcurrentHashMap<>();

	private final Map<Integer, InetSocketAddress> peersByChannel = new ConcurrentHashMap<>();

	private final Map<Integer, ScheduledFuture<?>> channelRefreshes = new ConcurrentHashMap<>();

	private final AtomicInteger nextChannel = new AtomicInteger(ChannelData.MIN_CHANNEL);

	private final AtomicInteger refreshes = new AtomicInteger();

	private volatile String realm;

	private volatile String nonce;

	private volatile byte[] key;

	private volatile InetSocketAddress relayedAddress;

	private volatile InetSocketAddress mappedAddress;

	private volatile Duration lifetime = Duration.ZERO;

	private volatile long expiresAtNanos;

	private volatile ScheduledFuture<?> refreshTask;

	private volatile boolean closed;

	private volatile BiConsumer<InetSocketAddress, byte[]> dataListener = (peer, data) -> { };

	private volatile BiConsumer<Long, InetSocketAddress> connectionAttemptListener = (id, peer) -> { };

	private volatile Consumer<Throwable> lostListener = (cause) -> { };

	/**
	 * @param stun the socket to the server (UDP) or the control connection (TCP); owned by this client from now on
	 * @param server the server's address (for UDP, where requests go)
	 */
	public TurnClient(StunClient stun, InetSocketAddress server, String username, String password,
			double refreshFraction, Duration refreshInterval, RatsMetrics metrics) {
		this.stun = Objects.requireNonNull(stun, "stun");
		this.server = Objects.requireNonNull(server, "server");
		this.username = Objects.requireNonNull(username, "username");
		this.password = Objects.requireNonNull(password, "password");
		this.refreshFraction = refreshFraction;
		this.refreshInterval = refreshInterval;
		this.metrics = metrics;
		stun.onChannelData(this::channelData);
		stun.onIndication(this::indication);
		stun.closeFuture().thenRun(() -> {
			if (!this.closed) {
				lost(new StunException("connection to TURN server " + server + " closed"));
			}
		});
	}

	// --- listeners ----------------------------------------------------------------------------------------------

	/** Data from a peer, from ChannelData or a Data indication; on the event loop. */
	public void onData(BiConsumer<InetSocketAddress, byte[]> listener) {
		this.dataListener = listener;
	}

	/** An RFC 6062 ConnectionAttempt: a peer connected to our relayed TCP address; connection id and peer. */
	public void onConnectionAttempt(BiConsumer<Long, InetSocketAddress> listener) {
		this.connectionAttemptListener = listener;
	}

	/** The allocation is gone: refresh failed until expiry, or the control connection closed. */
	public void onLost(Consumer<Throwable> listener) {
		this.lostListener = listener;
	}

	// --- state --------------------------------------------------------------------------------------------------

	/** The relayed transport address, once allocated. */
	public InetSocketAddress relayedAddress() {
		return this.relayedAddress;
	}

	/** Our server-reflexive address as the TURN server saw the allocation request. */
	public InetSocketAddress mappedAddress() {
		return this.mappedAddress;
	}

	/** The lifetime the server granted at the last Allocate or Refresh. */
	public Duration lifetime() {
		return this.lifetime;
	}

	/** Successful refreshes so far. */
	public int refreshCount() {
		return this.refreshes.get();
	}

	public InetSocketAddress server() {
		return this.server;
	}

	public StunClient stun() {
		return this.stun;
	}

	// --- requests -----------------------------------------------------------------------------------------------

	/** Allocates a relayed address for {@code transport} ({@link #UDP} or {@link #TCP}). */
	public CompletableFuture<InetSocketAddress> allocate(int transport) {
		return authenticated(StunMethod.ALLOCATE, (b) -> b.requestedTransport(transport)).thenApply((response) -> {
			try {
				this.relayedAddress = response.xorAddress(StunAttribute.XOR_RELAYED_ADDRESS)
					.orElseThrow(() -> new StunException("Allocate response without XOR-RELAYED-ADDRESS"));
				this.mappedAddress = response.xorAddress(StunAttribute.XOR_MAPPED_ADDRESS).orElse(null);
				granted(response);
			}
			catch (StunException ex) {
				throw new java.util.concurrent.CompletionException(ex);
			}
			this.metrics.increment(TurnMetrics.ALLOCATIONS);
			logger.info("TURN allocation on {}: relayed {} ({}), lifetime {}s", this.server, this.relayedAddress,
					(transport == TCP) ? "tcp" : "udp", this.lifetime.toSeconds());
			return this.relayedAddress;
		});
	}

	/** Refreshes the allocation now (the timer does it by itself). */
	public CompletableFuture<Duration> refresh() {
		long seconds = this.lifetime.toSeconds();
		return authenticated(StunMethod.REFRESH, (b) -> {
			if (seconds > 0) {
				b.u32(StunAttribute.LIFETIME, seconds);
			}
		}).thenApply((response) -> {
			try {
				granted(response);
			}
			catch (StunException ex) {
				throw new java.util.concurrent.CompletionException(ex);
			}
			this.refreshes.incrementAndGet();
			this.metrics.increment(TurnMetrics.REFRESHES);
			return this.lifetime;
		});
	}

	private void granted(StunMessage response) throws StunException {
		// Refreshes are scheduled by the shortest lifetime this allocation was ever granted: coturn 4.6 grants its 600 s
		// default on Refresh even above its own --max-allocate-lifetime, which it applied to the Allocate. Refreshing
		// early is harmless; refreshing late loses the allocation.
		long previous = this.lifetime.isZero() ? Long.MAX_VALUE : this.lifetime.toSeconds();
		long seconds = Math.min(previous, response.u32(StunAttribute.LIFETIME).orElse(previous == Long.MAX_VALUE
				? 600L : previous));
		this.lifetime = Duration.ofSeconds(seconds);
		this.expiresAtNanos = System.nanoTime() + this.lifetime.toNanos();
		long delay = Math.min((long) (this.lifetime.toNanos() * this.refreshFraction), this.refreshInterval.toNanos());
		scheduleRefresh(Math.max(delay, TimeUnit.MILLISECONDS.toNanos(100)));
	}

	private void scheduleRefresh(long delayNanos) {
		if (this.closed) {
			return;
		}
		ScheduledFuture<?> previous = this.refreshTask;
		if (previous != null) {
			previous.cancel(false);
		}
		logger.debug("TURN refresh on {} in {} ms", this.server, TimeUnit.NANOSECONDS.toMillis(delayNanos));
		this.refreshTask = this.stun.eventLoop().schedule(() -> refresh().whenComplete((ignored, ex) -> {
			if (ex != null) {
				this.metrics.increment(TurnMetrics.REFRESH_FAILURES);
				long left = this.expiresAtNanos - System.nanoTime();
				logger.warn("TURN refresh on {} failed ({} s left): {}", this.server,
						TimeUnit.NANOSECONDS.toSeconds(left), rootMessage(ex));
				if (left > TimeUnit.SECONDS.toNanos(1)) {
					scheduleRefresh(Math.min(left / 2, TimeUnit.SECONDS.toNanos(5)));
				}
				else {
					lost(ex);
				}
			}
		}), delayNanos, TimeUnit.NANOSECONDS);
	}

	/** Installs (and keeps refreshing) permissions for these peer IPs. */
	public CompletableFuture<Void> createPermission(List<InetAddress> peers) {
		for (InetAddress peer : peers) {
			if (!this.permissions.containsKey(peer) && this.permissions.size() >= MAX_PEERS) {
				return CompletableFuture.failedFuture(new StunException("permission limit " + MAX_PEERS + " reached"));
			}
		}
		return authenticated(StunMethod.CREATE_PERMISSION, (b) -> {
			for (InetAddress peer : peers) {
				b.xorAddress(StunAttribute.XOR_PEER_ADDRESS, new InetSocketAddress(peer, 0));
			}
		}).thenAccept((response) -> {
			long every = Math.min(PERMISSION_REFRESH.toNanos(), this.refreshInterval.toNanos());
			for (InetAddress peer : peers) {
				ScheduledFuture<?> old = this.permissions.put(peer, this.stun.eventLoop().schedule(
						() -> refreshPermission(peer), every, TimeUnit.NANOSECONDS));
				if (old != null) {
					old.cancel(false);
				}
			}
		});
	}

	private void refreshPermission(InetAddress peer) {
		if (this.closed) {
			return;
		}
		createPermission(List.of(peer)).whenComplete((ignored, ex) -> {
			if (ex != null) {
				logger.warn("TURN permission refresh for {} failed: {}", peer.getHostAddress(), rootMessage(ex));
			}
		});
	}

	/** Binds a channel to {@code peer} (and keeps it bound); completes with the channel number. */
	public CompletableFuture<Integer> bindChannel(InetSocketAddress peer) {
		Integer existing = this.channelsByPeer.get(peer);
		int channel;
		if (existing != null) {
			channel = existing;
		}
		else {
			channel = this.nextChannel.getAndIncrement();
			if (channel > ChannelData.MAX_CHANNEL || this.channelsByPeer.size() >= MAX_PEERS) {
				return CompletableFuture.failedFuture(new StunException("no channel numbers left"));
			}
		}
		return authenticated(StunMethod.CHANNEL_BIND, (b) -> b.channelNumber(channel)
			.xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer)).thenApply((response) -> {
				this.channelsByPeer.put(peer, channel);
				this.peersByChannel.put(channel, peer);
				long every = Math.min(CHANNEL_REFRESH.toNanos(), this.refreshInterval.toNanos());
				ScheduledFuture<?> old = this.channelRefreshes.put(channel, this.stun.eventLoop().schedule(() -> {
					if (!this.closed) {
						bindChannel(peer).whenComplete((ignored, ex) -> {
							if (ex != null) {
								logger.warn("TURN channel refresh for {} failed: {}", peer, rootMessage(ex));
							}
						});
					}
				}, every, TimeUnit.NANOSECONDS));
				if (old != null) {
					old.cancel(false);
				}
				return channel;
			});
	}

	/** Sends data to a peer: ChannelData on its bound channel, else a Send indication (needs a permission). */
	public CompletableFuture<Void> send(InetSocketAddress peer, byte[] data) {
		Integer channel = this.channelsByPeer.get(peer);
		if (channel != null) {
			return this.stun.send(new ChannelData(channel, data).encode(!this.stun.isDatagram()), this.server);
		}
		byte[] indication = StunMessage.builder(StunMethod.SEND, StunClass.INDICATION)
			.xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer)
			.add(StunAttribute.DATA, data)
			.fingerprint()
			.build()
			.toBytes();
		return this.stun.send(indication, this.server);
	}

	/** RFC 6062 Connect: asks the server to open a TCP connection from our relayed address to {@code peer}. */
	public CompletableFuture<Long> connect(InetSocketAddress peer) {
		return authenticated(StunMethod.CONNECT, (b) -> b.xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer))
			.thenApply((response) -> {
				try {
					return response.u32(StunAttribute.CONNECTION_ID)
						.orElseThrow(() -> new StunException("Connect response without CONNECTION-ID"));
				}
				catch (StunException ex) {
					throw new java.util.concurrent.CompletionException(ex);
				}
			});
	}

	/**
	 * A signed ConnectionBind request (RFC 6062 section 4.3) for a new data connection; fails before the first
	 * authenticated exchange has given us a nonce.
	 */
	public StunMessage connectionBindRequest(long connectionId) {
		if (this.key == null) {
			throw new IllegalStateException("no TURN credentials negotiated yet");
		}
		return sign(StunMessage.builder(StunMethod.CONNECTION_BIND, StunClass.REQUEST)
			.u32(StunAttribute.CONNECTION_ID, connectionId)).build();
	}

	/**
	 * Takes REALM and NONCE from a 401 or 438 answer (possibly on another connection); true if it carried a nonce to
	 * retry with.
	 */
	public boolean updateNonce(StunMessage errorResponse) {
		String newNonce = errorResponse.string(StunAttribute.NONCE).orElse(null);
		if (newNonce == null) {
			return false;
		}
		String newRealm = errorResponse.string(StunAttribute.REALM).orElse(this.realm);
		if (newRealm == null) {
			return false;
		}
		if (!newRealm.equals(this.realm) || this.key == null) {
			this.key = StunCredentials.longTermKey(this.username, newRealm, this.password);
		}
		this.realm = newRealm;
		this.nonce = newNonce;
		return true;
	}

	/** Checks a response's MESSAGE-INTEGRITY with our key when it has one (coturn signs its responses). */
	public void verify(StunMessage response) throws StunException {
		byte[] current = this.key;
		if (current != null && response.hasIntegrity()) {
			response.verifyIntegrity(current);
		}
	}

	private StunMessage.Builder sign(StunMessage.Builder builder) {
		return builder.string(StunAttribute.USERNAME, this.username)
			.string(StunAttribute.REALM, this.realm)
			.string(StunAttribute.NONCE, this.nonce)
			.integrity(this.key)
			.fingerprint();
	}

	private CompletableFuture<StunMessage> authenticated(int method, Consumer<StunMessage.Builder> body) {
		CompletableFuture<StunMessage> result = new CompletableFuture<>();
		attempt(method, body, 1, result);
		return result;
	}

	private void attempt(int method, Consumer<StunMessage.Builder> body, int send, CompletableFuture<StunMessage> result) {
		StunMessage.Builder builder = StunMessage.builder(method, StunClass.REQUEST);
		body.accept(builder);
		boolean signed = this.key != null;
		StunMessage request = signed ? sign(builder).build() : builder.fingerprint().build();
		this.stun.request(request, this.server).whenComplete((response, ex) -> {
			if (ex != null) {
				result.completeExceptionally(ex);
				return;
			}
			try {
				result.complete(handle(method, response, signed, send));
			}
			catch (RetryException retry) {
				attempt(method, body, send + 1, result);
			}
			catch (StunException failure) {
				result.completeExceptionally(failure);
			}
		});
	}

	private StunMessage handle(int method, StunResponse response, boolean signed, int send) throws StunException {
		StunMessage message = response.message();
		if (response.isSuccess()) {
			verify(message);
			return message;
		}
		StunErrorResponseException error = message.error()
			.orElseGet(() -> new StunErrorResponseException(0, "error response without ERROR-CODE"));
		boolean nonceProblem = error.code() == 438 || error.code() == 401;
		if (nonceProblem && send < MAX_SENDS && updateNonce(message)) {
			if (error.code() == 438 || signed) {
				this.metrics.increment(TurnMetrics.STALE_NONCE);
				logger.debug("TURN {} on {}: {}, retrying with the new nonce", StunMethod.name(method), this.server,
						error.getMessage());
			}
			throw new RetryException();
		}
		throw new StunErrorResponseException(error.code(), StunMethod.name(method) + " refused by " + this.server
				+ ": " + error.getMessage());
	}

	/** Internal signal: send the request again with fresh credentials. */
	private static final class RetryException extends StunException {

		private static final long serialVersionUID = 1L;

		RetryException() {
			super("retry");
		}

	}

	// --- inbound ------------------------------------------------------------------------------------------------

	private void channelData(ChannelData data, InetSocketAddress source) {
		InetSocketAddress peer = this.peersByChannel.get(data.channel());
		if (peer == null || !fromServer(source)) {
			this.metrics.increment(TurnMetrics.DROPPED);
			return;
		}
		this.dataListener.accept(peer, data.data());
	}

	private void indication(StunMessage message, InetSocketAddress source) {
		if (!fromServer(source)) {
			this.metrics.increment(TurnMetrics.DROPPED);
			return;
		}
		try {
			if (message.method() == StunMethod.DATA) {
				InetSocketAddress peer = message.xorAddress(StunAttribute.XOR_PEER_ADDRESS).orElse(null);
				byte[] data = message.attribute(StunAttribute.DATA).orElse(null);
				if (peer == null || data == null) {
					this.metrics.increment(TurnMetrics.DROPPED);
					return;
				}
				this.dataListener.accept(peer, data);
			}
			else if (message.method() == StunMethod.CONNECTION_ATTEMPT) {
				Long id = message.u32(StunAttribute.CONNECTION_ID).orElse(null);
				InetSocketAddress peer = message.xorAddress(StunAttribute.XOR_PEER_ADDRESS).orElse(null);
				if (id == null || peer == null) {
					this.metrics.increment(TurnMetrics.DROPPED);
					return;
				}
				this.connectionAttemptListener.accept(id, peer);
			}
			else {
				this.metrics.increment(TurnMetrics.DROPPED);
			}
		}
		catch (StunException ex) {
			this.metrics.increment(TurnMetrics.DROPPED);
			logger.debug("Dropped TURN indication from {}: {}", source, ex.getMessage());
		}
	}

	private boolean fromServer(InetSocketAddress source) {
		return !this.stun.isDatagram() || this.server.equals(source);
	}

	private void lost(Throwable cause) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		cancelTimers();
		this.relayedAddress = null;
		logger.warn("TURN allocation on {} lost: {}", this.server, rootMessage(cause));
		this.stun.close();
		this.lostListener.accept(cause);
	}

	// --- closing ------------------------------------------------------------------------------------------------

	/**
	 * Deallocates (Refresh with LIFETIME 0) and closes the socket; the future completes when the server answered or
	 * the attempt failed, the socket closed either way.
	 */
	public CompletableFuture<Void> deallocate() {
		if (this.closed) {
			return CompletableFuture.completedFuture(null);
		}
		this.closed = true;
		cancelTimers();
		if (this.relayedAddress == null || this.key == null || !this.stun.isOpen()) {
			this.stun.close();
			return CompletableFuture.completedFuture(null);
		}
		this.relayedAddress = null;
		return authenticated(StunMethod.REFRESH, (b) -> b.u32(StunAttribute.LIFETIME, 0))
			.handle((response, ex) -> {
				if (ex != null) {
					logger.debug("TURN deallocation on {} failed: {}", this.server, rootMessage(ex));
				}
				this.stun.close();
				return null;
			});
	}

	/** {@link #deallocate()}, waiting at most two seconds. */
	@Override
	public void close() {
		try {
			deallocate().get(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// bounded: the socket is closed below anyway
		}
		this.stun.close();
	}

	private void cancelTimers() {
		ScheduledFuture<?> refresh = this.refreshTask;
		if (refresh != null) {
			refresh.cancel(false);
		}
		this.permissions.values().forEach((task) -> task.cancel(false));
		this.channelRefreshes.values().forEach((task) -> task.cancel(false));
	}

	static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof java.util.concurrent.CompletionException
				|| cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

}
