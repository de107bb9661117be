package io.librats.transport;

import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;

/**
 * In-memory channels inside one JVM: no sockets at all. Nodes are addressed by name ("host") and port together,
 * so a whole session, Noise included, runs without the network.
 */
public final class LocalBinding implements NetworkBinding {

	@Override
	public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
		return new MultiThreadIoEventLoopGroup(threads, threadFactory, LocalIoHandler.newFactory());
	}

	@Override
	public Class<? extends ServerChannel> serverChannelType() {
		return LocalServerChannel.class;
	}

	@Override
	public Class<? extends Channel> channelType() {
		return LocalChannel.class;
	}

	@Override
	public SocketAddress listenAddress(String host, int port) {
		return new LocalAddress(address(host, port));
	}

	@Override
	public SocketAddress remoteAddress(String host, int port) {
		return new LocalAddress(address(host, port));
	}

	private static String address(String host, int port) {
		return ((host != null) ? host : "local") + ":" + port;
	}

	@Override
	public int boundPort(SocketAddress bound) {
		String id = ((LocalAddress) bound).id();
		return Integer.parseInt(id.substring(id.lastIndexOf(':') + 1));
	}

	@Override
	public String name() {
		return "local";
	}

}
