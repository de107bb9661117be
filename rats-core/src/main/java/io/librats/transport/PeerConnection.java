package io.librats.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.librats.metrics.RatsMetrics;
import io.librats.noise.NoiseCipher;
import io.librats.noise.SealingQueue;
import io.librats.noise.WriteCompletion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;

/**
 * One connection to a peer, from the first byte to its close: its state, its traffic counters and the only way to
 * write to it. Writes from any thread are handed to the channel's event loop and flushed once per loop turn, so a
 * burst of small sends becomes one socket write (and, encrypted, as few Noise messages as possible).
 */
public final class PeerConnection {

	private static final long GOODBYE_LINGER_MILLIS = 2000;

	static final AttributeKey<PeerConnection> KEY = AttributeKey.valueOf(PeerConnection.class, "connection");

	private final Channel channel;

	private final Direction direction;

	private final TransportContext context;

	private final OrderedExecutor orderedExecutor;

	private final CompletableFuture<PeerConnection> established = new CompletableFuture<>();

	private final AtomicLong pendingOutboundBytes = new AtomicLong();

	/**
	 * What {@link #isWritable()} says. Turns false on any thread (a send past the high-water mark) or on the event
	 * loop (the channel's own mark); turns true only on the event loop, together with {@link #reportedWritable}.
	 */
	private final AtomicBoolean writable = new AtomicBoolean(true);

	/** What the listeners last heard; event loop only. */
	private boolean reportedWritable = true;

	/** Taken only when the inbound backlog crosses a limit, to pause or resume reading. */
	private final Object inboundLock = new Object();

	private final AtomicInteger pendingInboundMessages = new AtomicInteger();

	private final AtomicLong pendingInboundBytes = new AtomicLong();

	/** Written under {@link #inboundLock}. */
	private volatile boolean readingPaused;

	final LongAdder bytesIn = new LongAdder();

	final LongAdder bytesOut = new LongAdder();

	final LongAdder messagesIn = new LongAdder();

	final LongAdder messagesOut = new LongAdder();

	private final Runnable flushTask = this::flushNow;

	/** The encrypting queue once the Noise handshake is done; null before, and for plaintext sessions. */
	private volatile SealingQueue sealing;

	private boolean flushScheduled;

	private volatile String peerId;

	private volatile Hello localHello;

	private volatile Hello remoteHello;

	private volatile boolean encrypted;

	/** The Noise cipher's name once the Noise handshake completed; null in plaintext mode. */
	private volatile String cipher;

	private volatile Instant connectedSince;

	private volatile long openedNanos = System.nanoTime();

	private volatile long handshakeNanos = -1;

	private volatile long lastReceivedNanos = System.nanoTime();

	private volatile long lastReceivedMillis = System.currentTimeMillis();

	private volatile long rttNanos = -1;

	private volatile Throwable failure;

	private volatile boolean resolving;

	private volatile boolean admitted;

	private final AtomicBoolean failed = new AtomicBoolean();

	private volatile GoodbyeReason goodbyeReceived;

	private final String path;

	PeerConnection(Channel channel, Direction direction, TransportContext context, String path) {
		this.path = path;
		this.channel = channel;
		this.direction = direction;
		this.context = context;
		this.orderedExecutor = new OrderedExecutor(context.handlerExecutor());
	}

	static PeerConnection of(Channel channel) {
		return channel.attr(KEY).get();
	}

	/** The peer id, or {@code null} while the handshake is still running. */
	public String peerId() {
		return this.peerId;
	}

	public Direction direction() {
		return this.direction;
	}

	/** What carries the connection: {@link StreamSessions#DIRECT}, or a relay such as {@code "turn"}. */
	public String path() {
		return this.path;
	}

	public boolean isActive() {
		return this.channel.isActive();
	}

	/** Runs tasks one at a time in submission order: the per-peer order that message handlers rely on. */
	public Executor orderedExecutor() {
		return this.orderedExecutor;
	}

	/**
	 * Queues a handler task on the {@link #orderedExecutor()} from the event loop while a read is being decoded; the
	 * pool is woken once at the end of the read instead of once per message. Off the event loop it is
	 * {@code orderedExecutor().execute(task)}.
	 */
	public void deliverAfterRead(Runnable task) {
		if (this.channel.eventLoop().inEventLoop()) {
			this.orderedExecutor.executeDeferred(task);
		}
		else {
			this.orderedExecutor.execute(task);
		}
	}

	/** On the event loop, at the end of a read: starts the handler tasks {@link #deliverAfterRead} queued. */
	void readComplete() {
		this.orderedExecutor.kick();
	}

	public ByteBufAllocator alloc() {
		return this.channel.alloc();
	}

	public EventLoop eventLoop() {
		return this.channel.eventLoop();
	}

	/**
	 * Whether the peer keeps up. False from the moment the socket buffer or our own queue of accepted, unwritten
	 * frames crosses the high-water mark until both are back under the low one; each change is reported once to the
	 * writability listeners, so a sender that stops on {@code false} always hears when to resume.
	 */
	public boolean isWritable() {
		return this.writable.get() && this.channel.isWritable();
	}

	/** On the event loop: the channel crossed one of its water marks. */
	void channelWritabilityChanged() {
		if (!this.channel.isWritable()) {
			if (this.writable.compareAndSet(true, false)) {
				reportUnwritable();
			}
		}
		else {
			reportWritableIfDrained();
		}
	}

	/** On the event loop: tells the listeners "not writable" once per change, then checks whether it is over. */
	private void reportUnwritable() {
		this.reportedWritable = false;
		this.context.peerTable().writabilityChanged(this, false);
		reportWritableIfDrained();
	}

	/**
	 * On the event loop: reports writable again once the channel is writable and our queue is under the low mark,
	 * never before the "not writable" it answers has been reported.
	 */
	private void reportWritableIfDrained() {
		if (!this.reportedWritable && this.channel.isWritable()
				&& this.pendingOutboundBytes.get() <= this.context.writeBufferLowWaterMark()) {
			this.reportedWritable = true;
			this.writable.set(true);
			this.context.peerTable().writabilityChanged(this, true);
		}
	}

	/** Completes when the rats handshake finished and the connection was accepted; fails if it closed before. */
	CompletableFuture<PeerConnection> established() {
		return this.established;
	}

	/**
	 * Writes one complete frame (length, type, body), taking ownership of the buffer. The future completes when the
	 * frame has been written to the socket, or fails with the reason it never will be.
	 */
	public CompletableFuture<Void> send(ByteBuf frame) {
		int size = frame.readableBytes();
		if (size - FrameEncoder.HEADER_LENGTH > this.context.settings().maxFrameSize()) {
			frame.release();
			return CompletableFuture.failedFuture(new IllegalArgumentException("frame body of "
					+ (size - FrameEncoder.HEADER_LENGTH) + " bytes exceeds maxFrameSize "
					+ this.context.settings().maxFrameSize()));
		}
		long pending = this.pendingOutboundBytes.addAndGet(size);
		if (pending > this.context.maxOutboundBufferBytes()) {
			this.pendingOutboundBytes.addAndGet(-size);
			frame.release();
			this.context.metrics().increment(RatsMetrics.SENDS_REJECTED);
			return CompletableFuture.failedFuture(new OutboundBufferFullException("outbound buffer of peer "
					+ this.peerId + " is full (" + this.context.maxOutboundBufferBytes() + " bytes)"));
		}
		if (!this.channel.isActive()) {
			this.pendingOutboundBytes.addAndGet(-size);
			frame.release();
			return CompletableFuture.failedFuture(new PeerNotConnectedException("connection to peer " + this.peerId
					+ " is closed"));
		}
		Send send = new Send(size, isApplicationFrame(frame));
		EventLoop loop = this.channel.eventLoop();
		if (pending > this.context.writeBufferHighWaterMark() && this.writable.compareAndSet(true, false)) {
			// Queued ahead of this frame's write, so the listeners hear "false" before any "true" that follows it.
			reportUnwritable(loop);
		}
		SealingQueue sealing = this.sealing;
		if (sealing != null) {
			if (sealing.offer(frame, send)) {
				requestFlush(loop, sealing);
			}
		}
		else if (loop.inEventLoop()) {
			write(frame, send);
		}
		else {
			try {
				loop.execute(() -> write(frame, send));
			}
			catch (RuntimeException ex) {
				frame.release();
				send.written(ex);
			}
		}
		return send;
	}

	/** Gets the encrypted queue flushed once on the event loop: the first offer since the last flush asks. */
	private void requestFlush(EventLoop loop, SealingQueue sealing) {
		try {
			loop.execute(this.flushTask);
		}
		catch (RuntimeException ex) {
			// Loop shut down: nothing will ever write what is queued.
			sealing.discard(ex);
		}
	}

	/** From the Noise handshake on, every frame goes through the connection's encrypting queue. */
	void sealWith(SealingQueue sealing, NoiseCipher cipher) {
		this.sealing = sealing;
		this.cipher = cipher.noiseName();
	}

	/**
	 * The future of one send, and its accounting once the frame reached the socket or failed: the outbound byte
	 * count, writability, and the message counters.
	 */
	private final class Send extends CompletableFuture<Void> implements WriteCompletion {

		private final int size;

		private final boolean applicationMessage;

		Send(int size, boolean applicationMessage) {
			this.size = size;
			this.applicationMessage = applicationMessage;
		}

		@Override
		public void written(Throwable failure) {
			PeerConnection.this.pendingOutboundBytes.addAndGet(-this.size);
			if (PeerConnection.this.channel.eventLoop().inEventLoop()) {
				reportWritableIfDrained();
			}
			if (failure == null) {
				if (this.applicationMessage) {
					PeerConnection.this.messagesOut.increment();
					PeerConnection.this.context.metrics().increment(RatsMetrics.MESSAGES_OUT);
				}
				complete(null);
			}
			else {
				String why = (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
				completeExceptionally(new PeerNotConnectedException("send to peer " + PeerConnection.this.peerId
						+ " failed: " + why, failure));
			}
		}

	}

	private void reportUnwritable(EventLoop loop) {
		if (loop.inEventLoop()) {
			reportUnwritable();
		}
		else {
			try {
				loop.execute(this::reportUnwritable);
			}
			catch (RuntimeException ex) {
				// Loop shut down: the connection is gone, nobody is waiting to resume.
			}
		}
	}

	private static boolean isApplicationFrame(ByteBuf frame) {
		byte type = frame.getByte(frame.readerIndex() + 4);
		return type == FrameType.MESSAGE || type == FrameType.BINARY;
	}

	private void write(ByteBuf frame, Send send) {
		this.channel.write(frame).addListener((ChannelFutureListener) (f) -> send.written(f.cause()));
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			// Queued behind every write already waiting on the loop, so they all leave in one flush.
			this.channel.eventLoop().execute(this.flushTask);
		}
	}

	private void flushNow() {
		this.flushScheduled = false;
		this.channel.flush();
	}

	/** Sends GOODBYE with the reason, then closes. */
	public void close(GoodbyeReason reason, String detail) {
		EventLoop loop = this.channel.eventLoop();
		if (!loop.inEventLoop()) {
			loop.execute(() -> close(reason, detail));
			return;
		}
		if (!this.channel.isActive()) {
			return;
		}
		if (this.peerId != null) {
			this.channel.writeAndFlush(Goodbye.encode(this.channel.alloc(), reason, detail))
				.addListener(ChannelFutureListener.CLOSE);
			// A peer that stopped reading must not keep the socket open by never taking the goodbye.
			loop.schedule(() -> { this.channel.close(); }, GOODBYE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
		}
		else {
			this.channel.close();
		}
	}

	Channel channel() {
		return this.channel;
	}

	TransportContext context() {
		return this.context;
	}

	void handshakeCompleted(String peerId, Hello local, Hello remote, boolean encrypted) {
		this.peerId = peerId;
		this.localHello = local;
		this.remoteHello = remote;
		this.encrypted = encrypted;
		this.connectedSince = Instant.now();
		this.handshakeNanos = System.nanoTime() - this.openedNanos;
	}

	/** Marks the moment the connection is open (TCP connected), where the handshake's clock starts. */
	void opened() {
		this.openedNanos = System.nanoTime();
	}

	Hello localHello() {
		return this.localHello;
	}

	Hello remoteHello() {
		return this.remoteHello;
	}

	void markEstablished() {
		this.admitted = true;
		this.established.complete(this);
	}

	/** Whether the peer table admitted this connection (it may still be closing since). */
	boolean isAdmitted() {
		return this.admitted;
	}

	/** Lets this connection's establishment stand for another connection to the same peer. */
	void resolveTo(CompletableFuture<PeerConnection> other) {
		this.resolving = true;
		other.whenComplete((winner, ex) -> {
			if (ex != null) {
				this.established.completeExceptionally(ex);
			}
			else {
				this.established.complete(winner);
			}
		});
	}

	void failEstablishment(Throwable cause) {
		if (this.resolving) {
			return;
		}
		this.established.completeExceptionally(cause);
	}

	/**
	 * Marks the connection as failed by a protocol or I/O error; true only the first time. After that nothing it
	 * still has buffered is counted again or delivered.
	 */
	boolean markFailed(Throwable cause) {
		recordFailure(cause);
		return this.failed.compareAndSet(false, true);
	}

	boolean hasFailed() {
		return this.failed.get();
	}

	void recordFailure(Throwable cause) {
		if (this.failure == null) {
			this.failure = cause;
		}
	}

	Throwable failure() {
		return this.failure;
	}

	void goodbyeReceived(GoodbyeReason reason) {
		this.goodbyeReceived = reason;
	}

	GoodbyeReason goodbyeReceivedReason() {
		return this.goodbyeReceived;
	}

	void received() {
		this.lastReceivedNanos = System.nanoTime();
		this.lastReceivedMillis = System.currentTimeMillis();
	}

	long nanosSinceLastReceived() {
		return System.nanoTime() - this.lastReceivedNanos;
	}

	void rtt(long nanos) {
		this.rttNanos = nanos;
	}

	/**
	 * Counts a received message queued for its handler. Past {@code maxPendingInboundMessages} messages or
	 * {@code maxPendingInboundBytes} bytes, reading from this peer pauses, so a slow handler pushes back on the
	 * sender through TCP instead of filling our memory.
	 */
	public void inboundQueued(int bytes) {
		int messages = this.pendingInboundMessages.incrementAndGet();
		long pendingBytes = this.pendingInboundBytes.addAndGet(bytes);
		if (!this.readingPaused && (messages >= this.context.maxPendingInboundMessages()
				|| pendingBytes >= this.context.maxPendingInboundBytes())) {
			pauseOrResumeReading();
		}
	}

	/** Counts a queued message as handled; reading resumes once half the backlog is gone. */
	public void inboundHandled(int bytes) {
		int messages = this.pendingInboundMessages.decrementAndGet();
		long pendingBytes = this.pendingInboundBytes.addAndGet(-bytes);
		if (this.readingPaused && messages <= this.context.maxPendingInboundMessages() / 2
				&& pendingBytes <= this.context.maxPendingInboundBytes() / 2) {
			pauseOrResumeReading();
		}
	}

	/**
	 * Pauses or resumes reading by the backlog as it is now. The counters are atomics so that the event loop and the
	 * handler threads never contend for a lock per message; only a crossing takes it. Pausing sets the flag before
	 * it reads the counts again, and a handler lowers a count before it reads the flag, so when they race one of the
	 * two sees the other and reading never stays paused behind an empty backlog.
	 */
	private void pauseOrResumeReading() {
		synchronized (this.inboundLock) {
			int maxMessages = this.context.maxPendingInboundMessages();
			long maxBytes = this.context.maxPendingInboundBytes();
			boolean wasPaused = this.readingPaused;
			if (!wasPaused) {
				if (this.pendingInboundMessages.get() < maxMessages && this.pendingInboundBytes.get() < maxBytes) {
					return;
				}
				this.readingPaused = true;
			}
			if (this.pendingInboundMessages.get() <= maxMessages / 2 && this.pendingInboundBytes.get() <= maxBytes / 2) {
				this.readingPaused = false;
				if (wasPaused) {
					this.channel.config().setAutoRead(true);
				}
			}
			else if (!wasPaused) {
				this.channel.config().setAutoRead(false);
			}
		}
	}

	/** Whether we stopped reading from this peer because its messages wait for slow handlers. */
	boolean isReadingPaused() {
		return this.readingPaused;
	}

	/** The peer's address as something to dial later: its IP with the listen port it announced, or {@code null}. */
	public InetSocketAddress dialableAddress() {
		Hello remote = this.remoteHello;
		// Through a relay the remote address is the relay's, not the peer's: nothing to dial directly.
		if (remote == null || remote.listenPort() == 0 || !StreamSessions.DIRECT.equals(this.path)
				|| !(this.channel.remoteAddress() instanceof InetSocketAddress a)) {
			return null;
		}
		return new InetSocketAddress(a.getAddress(), remote.listenPort());
	}

	public PeerInfo info() {
		Hello remote = this.remoteHello;
		long rtt = this.rttNanos;
		long handshake = this.handshakeNanos;
		return new PeerInfo(this.peerId,
				(this.channel.remoteAddress() instanceof InetSocketAddress a) ? a : null,
				(remote != null) ? remote.listenPort() : 0, this.direction, this.encrypted, this.cipher,
				this.connectedSince,
				this.bytesIn.sum(), this.bytesOut.sum(), this.messagesIn.sum(), this.messagesOut.sum(),
				Instant.ofEpochMilli(this.lastReceivedMillis), (rtt >= 0) ? Duration.ofNanos(rtt) : null,
				(handshake >= 0) ? Duration.ofNanos(handshake) : null, this.path);
	}

	@Override
	public String toString() {
		return "PeerConnection[" + this.direction + " " + this.channel.remoteAddress()
				+ ((this.peerId != null) ? " peer " + this.peerId : "") + "]";
	}

}
