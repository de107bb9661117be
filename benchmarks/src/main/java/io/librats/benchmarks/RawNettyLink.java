package io.librats.benchmarks;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.librats.transport.NetworkBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The baseline of the small-message experiment: one plaintext TCP connection on loopback with nothing but Netty's
 * length-field framing (4-byte length, {@link LengthFieldPrepender} / {@link LengthFieldBasedFrameDecoder}), on the
 * same transport (epoll or NIO) as rats, with TCP_NODELAY like rats, and written the way
 * {@code PeerConnection} writes: from any thread, handed to the event loop, one flush per loop turn.
 */
final class RawNettyLink implements AutoCloseable {

	private final EventLoopGroup serverGroup;

	private final EventLoopGroup clientGroup;

	private final Channel server;

	private final Channel channel;

	private final EventLoop loop;

	private final Runnable flushTask = this::flushNow;

	/** Confined to {@link #loop}. */
	private boolean flushScheduled;

	/**
	 * @param binding the same binding rats uses (so epoll against epoll)
	 * @param onFrame called on the receiving event loop with each frame body; the buffer is released afterwards
	 */
	RawNettyLink(NetworkBinding binding, Consumer<ByteBuf> onFrame) throws InterruptedException {
		this.serverGroup = binding.newEventLoopGroup(1, new DefaultThreadFactory("raw-server", true));
		this.clientGroup = binding.newEventLoopGroup(1, new DefaultThreadFactory("raw-client", true));
		this.server = new ServerBootstrap().group(this.serverGroup)
			.channel(binding.serverChannelType())
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel ch) {
					ch.pipeline()
						.addLast(new LengthFieldBasedFrameDecoder(16 * 1024 * 1024, 0, 4, 0, 4))
						.addLast(new SimpleChannelInboundHandler<ByteBuf>() {
							@Override
							protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
								onFrame.accept(frame);
							}
						});
				}
			})
			.bind(new InetSocketAddress(Nodes.LOOPBACK, 0))
			.sync()
			.channel();
		int port = ((InetSocketAddress) this.server.localAddress()).getPort();
		this.channel = new Bootstrap().group(this.clientGroup)
			.channel(binding.channelType())
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel ch) {
					ch.pipeline().addLast(new LengthFieldPrepender(4));
				}
			})
			.connect(new InetSocketAddress(Nodes.LOOPBACK, port))
			.sync()
			.channel();
		this.loop = this.channel.eventLoop();
	}

	ByteBufAllocator alloc() {
		return this.channel.alloc();
	}

	/** Writes one message body (taking ownership) from any thread; {@code done} gets null or the failure. */
	void send(ByteBuf body, Consumer<Throwable> done) {
		ChannelPromise promise = this.channel.newPromise();
		promise.addListener((ChannelFutureListener) (f) -> done.accept(f.isSuccess() ? null : f.cause()));
		if (this.loop.inEventLoop()) {
			write(body, promise);
		}
		else {
			this.loop.execute(() -> write(body, promise));
		}
	}

	private void write(ByteBuf body, ChannelPromise promise) {
		this.channel.write(body, promise);
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			this.loop.execute(this.flushTask);
		}
	}

	private void flushNow() {
		this.flushScheduled = false;
		this.channel.flush();
	}

	@Override
	public void close() {
		this.channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		this.server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		this.clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
		this.serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
	}

}
