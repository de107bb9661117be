package io.librats.dht;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * UDP over epoll where the native library loads, NIO elsewhere (the same choice as
 * {@link io.librats.transport.TcpBinding}). An event loop group made here can be shared by many {@link DhtNode}s
 * (simulations, benchmarks): each node stays on one event loop of it.
 */
public final class UdpBinding {

	private final boolean epoll;

	private UdpBinding(boolean epoll) {
		this.epoll = epoll;
	}

	/** Epoll if wanted and available, otherwise NIO. */
	public static UdpBinding select(boolean preferNative) {
		return new UdpBinding(preferNative && Epoll.isAvailable());
	}

	public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
		return new MultiThreadIoEventLoopGroup(threads, threadFactory,
				this.epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
	}

	public Class<? extends DatagramChannel> channelType() {
		return this.epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
	}

	/** {@code "epoll"} or {@code "nio"}. */
	public String name() {
		return this.epoll ? "epoll" : "nio";
	}

}
