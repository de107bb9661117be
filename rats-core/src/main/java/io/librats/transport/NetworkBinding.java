package io.librats.transport;

import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

/**
 * What carries a node's byte streams. The session (preamble, Noise, frames, HELLO) is the same whatever the binding:
 * TCP for real networks, Netty's in-memory local channels for tests and embedding; later paths such as a UDP stream
 * after ICE or a TURN relay plug in here.
 */
public interface NetworkBinding {

	EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory);

	Class<? extends ServerChannel> serverChannelType();

	Class<? extends Channel> channelType();

	/** The address to listen on for the configured host and port. */
	SocketAddress listenAddress(String host, int port);

	/** The address to dial for a host and port. */
	SocketAddress remoteAddress(String host, int port);

	/** The port a bound server channel listens on (what an ephemeral port 0 became). */
	int boundPort(SocketAddress bound);

	/** Human-readable name for logs and reports, for example "epoll" or "nio". */
	String name();

}
