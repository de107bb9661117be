package io.librats.stun;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.librats.metrics.RatsMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STUN client on one socket: a UDP socket that may talk to several servers (RFC 5780 tests need the same local
 * port for all of them), or a TCP connection to one server. Requests are matched to responses by transaction id;
 * over UDP they are retransmitted on the RFC 8489 schedule of {@link StunTimers}. Indications and ChannelData that
 * arrive on the socket go to the listeners (TURN). Malformed input is counted and dropped, never thrown.
 *
 * <p>Futures complete on the socket's event loop.
 */
public final class StunClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(StunClient.class);

	/** Transactions in progress at once; beyond that requests fail at once. */
	static final int MAX_PENDING = 256;

	private final boolean datagram;

	private final StunTimers timers;

	private final RatsMetrics metrics;

	private final Map<TransactionId, Transaction> pending = new ConcurrentHashMap<>();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private volatile Channel channel;

	private volatile BiConsumer<StunMessage, InetSocketAddress> indicationListener = (message, from) -> { };

	private volatile BiConsumer<ChannelData, InetSocketAddress> channelDataListener = (data, from) -> { };

	private volatile BiConsumer<StunMessage, InetSocketAddress> requestListener;

	private StunClient(boolean datagram, StunTimers timers, RatsMetrics metrics) {
		this.datagram = datagram;
		this.timers = timers;
		this.metrics = metrics;
	}

	/** A UDP client bound to {@code local} (port 0 for an ephemeral port) on one of {@code group}'s loops. */
	public static CompletableFuture<StunClient> udp(EventLoopGroup group, InetSocketAddress local, StunTimers timers,
			RatsMetrics metrics) {
		StunClient client = new StunClient(true, timers, metrics);
		CompletableFuture<StunClient> result = new CompletableFuture<>();
		new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				client.attach(channel);
				channel.pipeline().addLast("stun", client.new Inbound());
			}
		}).bind(local).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				result.complete(client);
			}
			else {
				result.completeExceptionally(future.cause());
			}
		});
		return result;
	}

	/**
	 * A TCP client connected to {@code server}; {@code bootstrap} brings the event loops, channel type and options.
	 */
	public static CompletableFuture<StunClient> tcp(Bootstrap bootstrap, InetSocketAddress server, StunTimers timers,
			RatsMetrics metrics) {
		StunClient client = new StunClient(false, timers, metrics);
		CompletableFuture<StunClient> result = new CompletableFuture<>();
		bootstrap.clone().handler(new ChannelInitializer<Channel>() {
			@Override
			protected void initChannel(Channel channel) {
				client.attach(channel);
				channel.pipeline().addLast("stun-frames", new StunFrameDecoder()).addLast("stun", client.new Inbound());
			}
		}).connect(server).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				result.complete(client);
			}
			else {
				result.completeExceptionally(new StunException("cannot connect to " + server + ": "
						+ future.cause().getMessage(), future.cause()));
			}
		});
		return result;
	}

	private void attach(Channel channel) {
		this.channel = channel;
		channel.closeFuture().addListener((future) -> {
			failAll(new StunException("STUN connection closed"));
			this.closed.complete(null);
		});
	}

	/** Receives indications (TURN Data, ConnectionAttempt) arriving on this socket, on its event loop. */
	public void onIndication(BiConsumer<StunMessage, InetSocketAddress> listener) {
		this.indicationListener = listener;
	}

	/** Receives ChannelData arriving on this socket, on its event loop. */
	public void onChannelData(BiConsumer<ChannelData, InetSocketAddress> listener) {
		this.channelDataListener = listener;
	}

	/**
	 * Receives requests arriving on this socket (RFC 5780 hairpinning test); without a listener they are counted as
	 * unmatched and dropped. This client never answers requests.
	 */
	public void onRequest(BiConsumer<StunMessage, InetSocketAddress> listener) {
		this.requestListener = listener;
	}

	/** The event loop of this socket, for timers that belong to it. */
	public io.netty.channel.EventLoop eventLoop() {
		return this.channel.eventLoop();
	}

	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.channel.localAddress();
	}

	/** The server a TCP client is connected to; {@code null} over UDP. */
	public InetSocketAddress remoteAddress() {
		return this.datagram ? null : (InetSocketAddress) this.channel.remoteAddress();
	}

	public boolean isDatagram() {
		return this.datagram;
	}

	public boolean isOpen() {
		return this.channel.isActive();
	}

	/** Completes when the socket has closed. */
	public CompletableFuture<Void> closeFuture() {
		return this.closed;
	}

	/** Runs a transaction with the full schedule. */
	public CompletableFuture<StunResponse> request(StunMessage request, InetSocketAddress server) {
		return request(request, server, null);
	}

	/**
	 * Runs a transaction, giving up at {@code limit} at the latest ({@code null}: the full schedule). The future
	 * fails with {@link StunTimeoutException} without a response, or with a {@link StunException} for a response
	 * with unknown comprehension-required attributes. Error responses complete it normally.
	 */
	public CompletableFuture<StunResponse> request(StunMessage request, InetSocketAddress server, Duration limit) {
		if (request.messageClass() != StunClass.REQUEST) {
			throw new IllegalArgumentException("not a request: " + request);
		}
		Transaction transaction = new Transaction(request, server);
		try {
			this.channel.eventLoop().execute(() -> transaction.start(limit));
		}
		catch (RuntimeException ex) {
			transaction.future.completeExceptionally(new StunException("STUN client is closed", ex));
		}
		return transaction.future;
	}

	/** Sends bytes (an indication, ChannelData) without a transaction. */
	public CompletableFuture<Void> send(byte[] bytes, InetSocketAddress to) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
		Object message = this.datagram ? new DatagramPacket(buffer, to) : buffer;
		this.channel.writeAndFlush(message).addListener((ChannelFutureListener) (future) -> {
			if (future.isSuccess()) {
				result.complete(null);
			}
			else {
				result.completeExceptionally(future.cause());
			}
		});
		return result;
	}

	@Override
	public void close() {
		Channel current = this.channel;
		if (current != null) {
			current.close();
		}
	}

	private void failAll(StunException cause) {
		List<Transaction> all = new ArrayList<>(this.pending.values());
		this.pending.clear();
		for (Transaction transaction : all) {
			transaction.fail(cause);
		}
	}

	private void received(byte[] bytes, InetSocketAddress source) {
		if (bytes.length > 0 && ChannelData.isChannelData(bytes[0])) {
			try {
				this.channelDataListener.accept(ChannelData.decode(bytes, 0, bytes.length), source);
			}
			catch (StunException ex) {
				dropped(ex, source);
			}
			return;
		}
		StunMessage message;
		try {
			message = StunMessage.decode(bytes);
		}
		catch (StunException ex) {
			dropped(ex, source);
			return;
		}
		switch (message.messageClass()) {
			case SUCCESS_RESPONSE, ERROR_RESPONSE -> {
				Transaction transaction = this.pending.get(message.transactionKey());
				if (transaction == null) {
					this.metrics.increment(StunMetrics.UNMATCHED);
					return;
				}
				List<Integer> unknown = message.unknownRequiredAttributes();
				if (!unknown.isEmpty()) {
					this.metrics.increment(StunMetrics.MALFORMED);
					transaction.fail(new StunException("response with unknown comprehension-required attribute(s) "
							+ unknown.stream().map((type) -> String.format("0x%04x", type)).toList()));
					return;
				}
				transaction.succeed(new StunResponse(message, source, localAddress()));
			}
			case INDICATION -> this.indicationListener.accept(message, source);
			case REQUEST -> {
				BiConsumer<StunMessage, InetSocketAddress> listener = this.requestListener;
				if (listener != null) {
					listener.accept(message, source);
				}
				else {
					this.metrics.increment(StunMetrics.UNMATCHED);
				}
			}
		}
	}

	private void dropped(StunException ex, InetSocketAddress source) {
		this.metrics.increment(StunMetrics.MALFORMED);
		logger.debug("Dropped malformed STUN input from {}: {}", source, ex.getMessage());
	}

	/** One request and its retransmissions; lives on the socket's event loop. */
	private final class Transaction {

		final StunMessage request;

		final InetSocketAddress server;

		final CompletableFuture<StunResponse> future = new CompletableFuture<>();

		ScheduledFuture<?> timer;

		ScheduledFuture<?> limitTimer;

		int sends;

		long interval;

		Transaction(StunMessage request, InetSocketAddress server) {
			this.request = request;
			this.server = server;
			this.future.whenComplete((response, ex) -> pending.remove(request.transactionKey(), this));
		}

		void start(Duration limit) {
			if (!channel.isActive()) {
				fail(new StunException("STUN socket is closed"));
				return;
			}
			if (pending.size() >= MAX_PENDING) {
				metrics.increment(StunMetrics.OVERLOADED);
				fail(new StunException("too many STUN transactions in progress (" + MAX_PENDING + ")"));
				return;
			}
			pending.put(this.request.transactionKey(), this);
			if (limit != null) {
				this.limitTimer = channel.eventLoop().schedule(this::timedOut, limit.toNanos(), TimeUnit.NANOSECONDS);
			}
			this.interval = timers.rto().toNanos();
			transmit();
		}

		private void transmit() {
			if (this.future.isDone()) {
				return;
			}
			if (this.sends > 0) {
				metrics.increment(StunMetrics.RETRANSMISSIONS);
			}
			this.sends++;
			send(this.request.toBytes(), this.server).whenComplete((ignored, ex) -> {
				if (ex != null) {
					fail(new StunException("cannot send to " + this.server + ": " + ex.getMessage(), ex));
				}
			});
			if (!datagram) {
				this.timer = channel.eventLoop().schedule(this::timedOut, timers.tcpTimeout().toNanos(),
						TimeUnit.NANOSECONDS);
			}
			else if (this.sends < timers.requestCount()) {
				this.timer = channel.eventLoop().schedule(this::transmit, this.interval, TimeUnit.NANOSECONDS);
				this.interval *= 2;
			}
			else {
				this.timer = channel.eventLoop().schedule(this::timedOut,
						timers.rto().toNanos() * timers.lastWaitMultiplier(), TimeUnit.NANOSECONDS);
			}
		}

		private void timedOut() {
			metrics.increment(StunMetrics.TIMEOUTS);
			fail(new StunTimeoutException(StunMethod.name(this.request.method()) + " to " + this.server
					+ " got no response after " + this.sends + " send(s)"));
		}

		void succeed(StunResponse response) {
			cancelTimers();
			this.future.complete(response);
		}

		void fail(StunException cause) {
			cancelTimers();
			this.future.completeExceptionally(cause);
		}

		private void cancelTimers() {
			if (this.timer != null) {
				this.timer.cancel(false);
			}
			if (this.limitTimer != null) {
				this.limitTimer.cancel(false);
			}
		}

	}

	/** Hands every datagram or TCP frame to {@link #received}. */
	private final class Inbound extends SimpleChannelInboundHandler<Object> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, Object message) {
			if (message instanceof DatagramPacket packet) {
				received(ByteBufUtil.getBytes(packet.content()), packet.sender());
			}
			else if (message instanceof byte[] frame) {
				received(frame, (InetSocketAddress) ctx.channel().remoteAddress());
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			metrics.increment(StunMetrics.MALFORMED);
			logger.debug("STUN socket {} failed: {}", ctx.channel().localAddress(), cause.toString());
			if (!datagram) {
				// A corrupt stream cannot be resynchronised; a bad datagram is just dropped.
				ctx.close();
			}
		}

	}

}
