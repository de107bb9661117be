package io.librats.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.librats.identity.NodeIdentity;
import io.librats.noise.AeadImplementation;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseHandshakeCompletedEvent;
import io.librats.noise.NoiseHandshakeHandler;
import io.librats.transport.FrameEncoder;
import io.librats.transport.FrameType;
import io.librats.transport.NetworkBinding;
import io.librats.transport.TcpBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;

/**
 * Thousands of minimal rats peers in one process, for the idle-connection memory test: each has its own identity
 * and speaks the real wire protocol (8-byte preamble, Noise XX through rats' public {@link NoiseHandshakeHandler},
 * HELLO, PONG for every PING) but nothing else, on one shared event loop group. A full {@code RatsClient} per
 * identity would need its own event loops, handler pool, scheduler and listening socket, which at 5,000 peers means
 * some 15,000 threads and 20,000 file descriptors. The server being measured is an ordinary {@code RatsClient} in
 * another process, so whatever these peers cost does not show up in its heap.
 *
 * <p>Driven by commands on standard input ({@code open N}, {@code close}, {@code quit}); answers on standard output
 * with lines starting {@code THIN}.
 */
final class ThinPeerClients {

	static final String COMMAND = "__thin-clients";

	private static final byte[] MAGIC = "RATS".getBytes(StandardCharsets.US_ASCII);

	private static final int VERSION = 1;

	private static final int MODE_NOISE_XX = 1;

	private static final int MAX_DIALS_IN_FLIGHT = 64;

	private final String host;

	private final int port;

	private final AeadImplementation aead;

	private final byte[] prologue;

	private final byte[] protocolId;

	private final NetworkBinding binding = TcpBinding.select(true);

	private final EventLoopGroup group;

	private final Queue<Channel> open = new ConcurrentLinkedQueue<>();

	private final AtomicLong pongs = new AtomicLong();

	private final AtomicReference<String> firstFailure = new AtomicReference<>();

	private ThinPeerClients(String host, int port, AeadImplementation aead, String protocolId) {
		this.host = host;
		this.port = port;
		this.aead = aead;
		this.protocolId = protocolId.getBytes(StandardCharsets.UTF_8);
		this.prologue = new byte[MAGIC.length + 1 + this.protocolId.length];
		System.arraycopy(MAGIC, 0, this.prologue, 0, MAGIC.length);
		this.prologue[MAGIC.length] = VERSION;
		System.arraycopy(this.protocolId, 0, this.prologue, MAGIC.length + 1, this.protocolId.length);
		this.group = this.binding.newEventLoopGroup(2, new DefaultThreadFactory("thin", true));
	}

	/** {@code host port aead protocolId}. */
	static void main(String[] args) throws Exception {
		ThinPeerClients clients = new ThinPeerClients(args[0], Integer.parseInt(args[1]),
				AeadImplementation.valueOf(args[2]), args[3]);
		System.out.println("THIN READY " + clients.binding.name());
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] words = line.trim().split("\\s+");
			switch (words[0]) {
				case "open" -> clients.open(Integer.parseInt(words[1]));
				case "close" -> clients.closeAll();
				case "stats" -> System.out.println("THIN STATS open=" + clients.open.size() + " pongs="
						+ clients.pongs.get());
				case "quit" -> {
					clients.closeAll();
					clients.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
					System.out.println("THIN BYE");
					System.out.flush();
					System.exit(0);
				}
				default -> System.out.println("THIN ERROR unknown command " + line);
			}
			System.out.flush();
		}
		System.exit(0);
	}

	private void open(int count) throws InterruptedException {
		Semaphore inFlight = new Semaphore(MAX_DIALS_IN_FLIGHT);
		CountDownLatch done = new CountDownLatch(count);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			inFlight.acquire();
			NodeIdentity identity = NodeIdentity.generate();
			Bootstrap bootstrap = new Bootstrap().group(this.group)
				.channel(this.binding.channelType())
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
				.handler(new ChannelInitializer<Channel>() {
					@Override
					protected void initChannel(Channel ch) {
						Promise<Void> established = ch.eventLoop().newPromise();
						established.addListener((f) -> {
							if (f.isSuccess()) {
								ok.incrementAndGet();
								ThinPeerClients.this.open.add(ch);
							}
							else {
								failed.incrementAndGet();
								ThinPeerClients.this.firstFailure.compareAndSet(null, String.valueOf(f.cause()));
								ch.close();
							}
							inFlight.release();
							done.countDown();
						});
						ch.eventLoop().schedule(() -> established.tryFailure(
								new IllegalStateException("handshake timeout")), 30, TimeUnit.SECONDS);
						ch.pipeline()
							.addLast("preamble", new Preamble(identity))
							.addLast("frames", new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4))
							.addLast("peer", new Peer(identity, established));
					}
				});
			ChannelFuture connect = bootstrap.connect(new InetSocketAddress(this.host, this.port));
			connect.addListener((f) -> {
				if (!f.isSuccess()) {
					failed.incrementAndGet();
					this.firstFailure.compareAndSet(null, String.valueOf(f.cause()));
					inFlight.release();
					done.countDown();
				}
			});
		}
		done.await();
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("THIN OPENED ok=%d failed=%d open=%d seconds=%.3f firstFailure=%s%n", ok.get(), failed.get(),
				this.open.size(), seconds, this.firstFailure.get());
	}

	private void closeAll() {
		List<ChannelFuture> closing = new java.util.ArrayList<>();
		Channel ch;
		while ((ch = this.open.poll()) != null) {
			closing.add(ch.close());
		}
		closing.forEach((f) -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
		System.out.println("THIN CLOSED " + closing.size());
	}

	/** Sends our preamble, reads the server's, then hands over to the Noise handshake as the initiator. */
	private final class Preamble extends ByteToMessageDecoder {

		private final NodeIdentity identity;

		Preamble(NodeIdentity identity) {
			this.identity = identity;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) throws Exception {
			ctx.writeAndFlush(ctx.alloc().buffer(8).writeBytes(MAGIC).writeByte(VERSION).writeByte(MODE_NOISE_XX)
				.writeShort(0));
			super.channelActive(ctx);
		}

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
			if (in.readableBytes() < 8) {
				return;
			}
			for (byte b : MAGIC) {
				if (in.readByte() != b) {
					throw new IllegalStateException("not a rats server");
				}
			}
			in.skipBytes(4);
			NoiseHandshake handshake = NoiseHandshake.initiator(this.identity.keyPair(), ThinPeerClients.this.prologue,
					ThinPeerClients.this.aead);
			ctx.pipeline().replace(this, "noise-handshake", new NoiseHandshakeHandler(handshake));
		}

	}

	/** Sends HELLO once Noise is done, takes the server's HELLO as admission, answers PINGs. */
	private final class Peer extends ChannelInboundHandlerAdapter {

		private final NodeIdentity identity;

		private final Promise<Void> established;

		Peer(NodeIdentity identity, Promise<Void> established) {
			this.identity = identity;
			this.established = established;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
			if (evt instanceof NoiseHandshakeCompletedEvent) {
				byte[] protocol = ThinPeerClients.this.protocolId;
				byte[] id = this.identity.peerId().getBytes(StandardCharsets.US_ASCII);
				ByteBuf hello = FrameEncoder.start(ctx.alloc(), FrameType.HELLO, 2 + 1 + protocol.length + 1 + id.length
						+ 2 + 16);
				hello.writeShort(VERSION).writeByte(protocol.length).writeBytes(protocol).writeByte(id.length)
					.writeBytes(id).writeShort(0).writeLong(0).writeLong(System.nanoTime());
				ctx.writeAndFlush(FrameEncoder.finish(hello));
			}
			super.userEventTriggered(ctx, evt);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				ByteBuf frame = (ByteBuf) msg;
				byte type = frame.readByte();
				if (type == FrameType.HELLO) {
					this.established.trySuccess(null);
				}
				else if (type == FrameType.PING) {
					ByteBuf pong = FrameEncoder.start(ctx.alloc(), FrameType.PONG, 8).writeLong(frame.readLong());
					ctx.writeAndFlush(FrameEncoder.finish(pong));
					ThinPeerClients.this.pongs.incrementAndGet();
				}
				else if (type == FrameType.GOODBYE) {
					this.established.tryFailure(new IllegalStateException("GOODBYE reason " + frame.readUnsignedByte()));
					ctx.close();
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			this.established.tryFailure(new IllegalStateException("closed before HELLO"));
			super.channelInactive(ctx);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.established.tryFailure(cause);
			ctx.close();
		}

	}

}
