package io.librats.mdns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.librats.metrics.RatsMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mDNS sockets: one IPv4 socket on {@code 0.0.0.0:5353} and one IPv6 socket on {@code [::]:5353}
 * ({@code SO_REUSEADDR}, so other responders on the host share the port), each joined to its group
 * (224.0.0.251, ff02::fb) on every interface in use. Sending selects the interface with {@code IP_MULTICAST_IF}
 * just before the write; both happen on the one mDNS event loop, so no other send slips in between. Received
 * packets go to a consumer on that loop. Interfaces are re-read with {@link #refreshInterfaces()}.
 */
final class MdnsSockets implements MdnsOutput {

	private static final Logger logger = LoggerFactory.getLogger(MdnsSockets.class);

	static final InetAddress GROUP_V4 = address("224.0.0.251");

	static final InetAddress GROUP_V6 = address("ff02::fb");

	/** RFC 6762 section 17: packets up to 9,000 bytes. */
	private static final int MAX_RECEIVE = MdnsCodec.MAX_PACKET;

	private final MdnsConfig config;

	private final EventLoop loop;

	private final RatsMetrics metrics;

	private DatagramChannel v4;

	private DatagramChannel v6;

	private volatile List<MdnsInterface> interfaces = List.of();

	private final Map<String, NetworkInterface> joined = new HashMap<>();

	MdnsSockets(MdnsConfig config, EventLoop loop, RatsMetrics metrics) {
		this.config = config;
		this.loop = loop;
		this.metrics = metrics;
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Binds the sockets; {@code receiver} gets each datagram and its sender on the event loop. */
	void open(BiConsumer<ByteBuf, InetSocketAddress> receiver) throws IOException {
		if (this.config.ipv4()) {
			this.v4 = bind(SocketProtocolFamily.INET, new InetSocketAddress("0.0.0.0", Advertiser.MDNS_PORT), receiver);
		}
		if (this.config.ipv6()) {
			this.v6 = bind(SocketProtocolFamily.INET6, new InetSocketAddress("::", Advertiser.MDNS_PORT), receiver);
		}
	}

	private DatagramChannel bind(SocketProtocolFamily family, InetSocketAddress local,
			BiConsumer<ByteBuf, InetSocketAddress> receiver) throws IOException {
		boolean v6 = family == SocketProtocolFamily.INET6;
		ChannelFuture bound = new Bootstrap().group(this.loop)
			.channelFactory(() -> new NioDatagramChannel(family))
			.option(ChannelOption.SO_REUSEADDR, true)
			.option(ChannelOption.IP_MULTICAST_TTL, 255)
			.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_RECEIVE))
			.handler(new SimpleChannelInboundHandler<DatagramPacket>() {
				@Override
				protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
					// The IPv6 socket is dual-stack: IPv4 packets it sees are the IPv4 socket's to handle.
					if (v6 && !(packet.sender().getAddress() instanceof Inet6Address)) {
						return;
					}
					receiver.accept(packet.content(), packet.sender());
				}

				@Override
				public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
					logger.warn("mDNS packet handling failed", cause);
				}
			})
			.bind(local)
			.awaitUninterruptibly();
		if (!bound.isSuccess()) {
			throw new IOException("cannot bind mDNS socket " + local + ": " + bound.cause().getMessage(), bound.cause());
		}
		return (DatagramChannel) bound.channel();
	}

	/**
	 * Re-reads the interfaces and joins or leaves groups to match. Returns true when the set of interfaces or their
	 * addresses changed. Event loop only.
	 */
	boolean refreshInterfaces() {
		List<MdnsInterface> next = scan();
		if (next.equals(this.interfaces)) {
			return false;
		}
		Map<String, NetworkInterface> wanted = new HashMap<>();
		for (MdnsInterface iface : next) {
			try {
				NetworkInterface ni = NetworkInterface.getByIndex(iface.index());
				if (ni != null) {
					wanted.put(iface.name(), ni);
				}
			}
			catch (SocketException ex) {
				logger.debug("Interface {} vanished", iface.name());
			}
		}
		for (Map.Entry<String, NetworkInterface> old : new HashMap<>(this.joined).entrySet()) {
			if (!wanted.containsKey(old.getKey())) {
				membership(old.getValue(), false);
				this.joined.remove(old.getKey());
			}
		}
		for (Map.Entry<String, NetworkInterface> entry : wanted.entrySet()) {
			if (!this.joined.containsKey(entry.getKey())) {
				membership(entry.getValue(), true);
				this.joined.put(entry.getKey(), entry.getValue());
			}
		}
		List<MdnsInterface> usable = new ArrayList<>();
		next.stream().filter((iface) -> wanted.containsKey(iface.name())).forEach(usable::add);
		this.interfaces = Collections.unmodifiableList(usable);
		logger.info("mDNS interfaces: {}", usable.stream().map(MdnsInterface::name).toList());
		return true;
	}

	private void membership(NetworkInterface ni, boolean join) {
		for (DatagramChannel channel : new DatagramChannel[] { this.v4, this.v6 }) {
			if (channel == null) {
				continue;
			}
			InetAddress group = (channel == this.v4) ? GROUP_V4 : GROUP_V6;
			boolean hasFamily = ni.inetAddresses().anyMatch((a) -> (channel == this.v4) == (a instanceof Inet4Address));
			if (!hasFamily) {
				continue;
			}
			InetSocketAddress address = new InetSocketAddress(group, Advertiser.MDNS_PORT);
			ChannelFuture done = join ? channel.joinGroup(address, ni) : channel.leaveGroup(address, ni);
			done.addListener((f) -> {
				if (!f.isSuccess()) {
					logger.debug("mDNS {} {} on {} failed: {}", join ? "join" : "leave", group, ni.getName(),
							f.cause().getMessage());
				}
			});
		}
	}

	/** Interfaces chosen by the configuration, with their addresses of the enabled families. */
	private List<MdnsInterface> scan() {
		List<MdnsInterface> found = new ArrayList<>();
		try {
			for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!ni.isUp() || ni.isLoopback() || !ni.supportsMulticast()) {
					continue;
				}
				if (!this.config.interfaces().isEmpty() && !this.config.interfaces().contains(ni.getName())) {
					continue;
				}
				List<MdnsInterface.Address> addresses = new ArrayList<>();
				for (InterfaceAddress address : ni.getInterfaceAddresses()) {
					InetAddress inet = address.getAddress();
					boolean v4 = inet instanceof Inet4Address;
					if (v4 ? this.config.ipv4() : this.config.ipv6()) {
						InetAddress plain = v4 ? inet : InetAddress.getByAddress(inet.getAddress());
						addresses.add(new MdnsInterface.Address(plain, address.getNetworkPrefixLength()));
					}
				}
				if (!addresses.isEmpty()) {
					found.add(new MdnsInterface(ni.getName(), ni.getIndex(), addresses));
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot list network interfaces for mDNS: {}", ex.getMessage());
			return this.interfaces;
		}
		return found;
	}

	@Override
	public List<MdnsInterface> interfaces() {
		return this.interfaces;
	}

	@Override
	public void multicast(MdnsInterface iface, MdnsMessage message) {
		NetworkInterface ni = this.joined.get(iface.name());
		if (ni == null) {
			return;
		}
		byte[] bytes = MdnsCodec.encode(message);
		if (this.v4 != null && iface.hasIpv4()) {
			send(this.v4, ni, bytes, new InetSocketAddress(GROUP_V4, Advertiser.MDNS_PORT));
		}
		if (this.v6 != null && iface.hasIpv6()) {
			send(this.v6, ni, bytes, new InetSocketAddress(GROUP_V6, Advertiser.MDNS_PORT));
		}
	}

	@Override
	public void unicast(MdnsInterface iface, InetSocketAddress destination, MdnsMessage message) {
		DatagramChannel channel = (destination.getAddress() instanceof Inet4Address) ? this.v4 : this.v6;
		if (channel != null) {
			send(channel, this.joined.get(iface.name()), MdnsCodec.encode(message), destination);
		}
	}

	private void send(DatagramChannel channel, NetworkInterface ni, byte[] bytes, InetSocketAddress destination) {
		if (ni != null) {
			channel.config().setNetworkInterface(ni);
		}
		ByteBuf content = channel.alloc().buffer(bytes.length).writeBytes(bytes);
		channel.writeAndFlush(new DatagramPacket(content, destination)).addListener((f) -> {
			if (f.isSuccess()) {
				this.metrics.increment(MdnsMetrics.PACKETS_OUT);
			}
			else {
				this.metrics.increment(MdnsMetrics.SEND_FAILURES);
				logger.debug("mDNS send to {} failed: {}", destination, f.cause().getMessage());
			}
		});
	}

	/** Closes both sockets; waits at most {@code millis}. */
	void close(long millis) {
		for (DatagramChannel channel : new DatagramChannel[] { this.v4, this.v6 }) {
			if (channel != null) {
				channel.close().awaitUninterruptibly(millis);
			}
		}
	}

}
