package io.librats.spring.autoconfigure;

import java.nio.file.Path;

import io.librats.config.NatTraversalConfig;
import io.librats.config.PeerAddress;
import io.librats.config.RatsConfig;
import io.librats.config.TurnServer;
import io.librats.dht.DhtConfig;
import io.librats.mdns.MdnsConfig;
import org.springframework.util.StringUtils;

/** Maps validated {@link RatsProperties} to the core's immutable configuration objects. */
final class RatsConfigFactory {

	private static final long DEFAULT_OUTBOUND_BUFFER = RatsConfig.defaults().maxOutboundBufferBytes();

	private RatsConfigFactory() {
	}

	static RatsConfig ratsConfig(RatsProperties p, Path stateDir) {
		RatsConfig.Builder builder = RatsConfig.builder()
			.listenPort(p.getPort())
			.listenAddress((p.getListenAddress() == null || p.getListenAddress().isBlank()) ? null
					: p.getListenAddress())
			.maxPeers(p.getMaxPeers())
			.encryption(p.isEncryption())
			.aesGcm(p.isAesGcm())
			.peers(p.getPeers().stream().map(PeerAddress::parse).toList())
			.stateDir(stateDir)
			.protocolId(p.getProtocolId())
			.connectTimeout(p.getConnectTimeout())
			.handshakeTimeout(p.getHandshakeTimeout())
			.pingInterval(p.getPingInterval())
			.peerTimeout(p.getPeerTimeout())
			.reconnectInitialDelay(p.getReconnectInitialDelay())
			.reconnectMaxDelay(p.getReconnectMaxDelay())
			.reconnectMaxAttempts(p.getReconnectMaxAttempts())
			.maxFrameSize((int) p.getMaxMessageSize().toBytes())
			// the outbound buffer must hold one largest frame and its 5-byte header
			.maxOutboundBufferBytes((int) Math.max(DEFAULT_OUTBOUND_BUFFER, p.getMaxMessageSize().toBytes() + 5))
			.natTraversal(NatTraversalConfig.builder()
				.stunServers(p.getNat().getStunServers())
				.turnServers(p.getNat().getTurnServers().stream()
					.map((t) -> new TurnServer(t.getUrl(), t.getUsername(), t.getPassword()))
					.toList())
				.build());
		if (p.getHandlerThreads() > 0) {
			builder.handlerThreads(p.getHandlerThreads());
		}
		if (p.getSharedThreads() != null) {
			builder.sharedThreads(p.getSharedThreads());
		}
		return builder.build();
	}

	static MdnsConfig mdnsConfig(RatsProperties.Mdns mdns) {
		return MdnsConfig.builder()
			.serviceName(StringUtils.hasText(mdns.getServiceName()) ? mdns.getServiceName() : null)
			.interfaces(mdns.getInterfaces())
			.namespace(StringUtils.hasText(mdns.getNamespace()) ? mdns.getNamespace() : null)
			.ipv4(mdns.isIpv4())
			.ipv6(mdns.isIpv6())
			.queryInterval(mdns.getQueryInterval())
			.maxQueryInterval(mdns.getMaxQueryInterval())
			.interfacePollInterval(mdns.getInterfacePollInterval())
			.build();
	}

	static DhtConfig dhtConfig(RatsProperties.Dht dht) {
		return DhtConfig.builder()
			.port(dht.getPort())
			.bindAddress(dht.getBindAddress())
			.bootstrap(dht.getBootstrap().stream().map(PeerAddress::parse).toList())
			.namespace(dht.getNamespace())
			.announceInterval(dht.getAnnounceInterval())
			.lookupInterval(dht.getLookupInterval())
			.build();
	}

}
