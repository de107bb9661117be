package io.librats.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** TCP over epoll where the native library loads, NIO elsewhere; binds dual-stack when no address is given. */
public final class TcpBinding implements NetworkBinding {

	private final boolean epoll;

	private TcpBinding(boolean epoll) {
		this.epoll = epoll;
	}

	/** Epoll if wanted and available, otherwise NIO. */
	public static TcpBinding select(boolean preferNative) {
		return new TcpBinding(preferNative && Epoll.isAvailable());
	}

	@Override
	public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
		return new MultiThreadIoEventLoopGroup(threads, threadFactory,
				this.epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
	}

	@Override
	public Class<? extends ServerChannel> serverChannelType() {
		return this.epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
	}

	@Override
	public Class<? extends Channel> channelType() {
		return this.epoll ? EpollSocketChannel.class : NioSocketChannel.class;
	}

	@Override
	public SocketAddress listenAddress(String host, int port) {
		// The wildcard address makes the JDK and epoll open an IPv6 socket that also accepts IPv4 (dual stack).
		return (host == null || host.isBlank()) ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
	}

	@Override
	public SocketAddress remoteAddress(String host, int port) {
		return InetSocketAddress.createUnresolved(host, port);
	}

	@Override
	public int boundPort(SocketAddress bound) {
		return ((InetSocketAddress) bound).getPort();
	}

	@Override
	public String name() {
		return this.epoll ? "epoll" : "nio";
	}

}
