package io.librats.spring.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

import io.librats.config.PeerAddress;
import io.librats.config.RatsConfig;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks {@link RatsProperties} in code, so that validation works without a Bean Validation provider. Each failure
 * is an {@link InvalidConfigurationPropertyValueException}: Spring Boot reports it naming the property, its value
 * and the reason.
 */
final class RatsPropertiesValidator {

	private RatsPropertiesValidator() {
	}

	static void validate(RatsProperties p) {
		port("rats.port", p.getPort(), 0);
		atLeast("rats.max-peers", p.getMaxPeers(), 1);
		addresses("rats.peers", p.getPeers());
		if (p.getProtocolId() == null || p.getProtocolId().isEmpty() || p.getProtocolId().length() > 64) {
			throw invalid("rats.protocol-id", p.getProtocolId(), "must have 1 to 64 characters");
		}
		positive("rats.connect-timeout", p.getConnectTimeout());
		positive("rats.handshake-timeout", p.getHandshakeTimeout());
		positive("rats.ping-interval", p.getPingInterval());
		positive("rats.peer-timeout", p.getPeerTimeout());
		if (p.getPeerTimeout().compareTo(p.getPingInterval()) <= 0) {
			throw invalid("rats.peer-timeout", p.getPeerTimeout(),
					"must be longer than rats.ping-interval (" + p.getPingInterval() + ")");
		}
		positive("rats.reconnect-initial-delay", p.getReconnectInitialDelay());
		positive("rats.reconnect-max-delay", p.getReconnectMaxDelay());
		atLeast("rats.reconnect-max-attempts", p.getReconnectMaxAttempts(), 0);
		long maxMessage = p.getMaxMessageSize().toBytes();
		if (maxMessage < 1024 || maxMessage > RatsConfig.MAX_FRAME_SIZE_LIMIT) {
			throw invalid("rats.max-message-size", p.getMaxMessageSize(), "must be between 1KB and 1GB");
		}
		atLeast("rats.handler-threads", p.getHandlerThreads(), 0);
		RatsProperties.Mdns mdns = p.getDiscovery().getMdns();
		positive("rats.discovery.mdns.query-interval", mdns.getQueryInterval());
		positive("rats.discovery.mdns.max-query-interval", mdns.getMaxQueryInterval());
		positive("rats.discovery.mdns.interface-poll-interval", mdns.getInterfacePollInterval());
		RatsProperties.Dht dht = p.getDiscovery().getDht();
		port("rats.discovery.dht.port", dht.getPort(), 0);
		addresses("rats.discovery.dht.bootstrap", dht.getBootstrap());
		positive("rats.discovery.dht.announce-interval", dht.getAnnounceInterval());
		positive("rats.discovery.dht.lookup-interval", dht.getLookupInterval());
		if (dht.getNamespace() == null) {
			throw invalid("rats.discovery.dht.namespace", null, "must not be null");
		}
		RatsProperties.Nat nat = p.getNat();
		addresses("rats.nat.stun-servers", nat.getStunServers());
		for (int i = 0; i < nat.getTurnServers().size(); i++) {
			turn("rats.nat.turn-servers[" + i + "]", nat.getTurnServers().get(i));
		}
		if (nat.getStrategy() == null) {
			throw invalid("rats.nat.strategy", null, "must be set");
		}
	}

	private static void port(String name, int value, int min) {
		if (value < min || value > 65535) {
			throw invalid(name, value, "must be a port between " + min + " and 65535");
		}
	}

	private static void atLeast(String name, int value, int min) {
		if (value < min) {
			throw invalid(name, value, "must be at least " + min);
		}
	}

	private static void positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(name, value, "must be a positive duration");
		}
	}

	private static void addresses(String name, List<String> values) {
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			try {
				PeerAddress.parse(value);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw invalid(name + "[" + i + "]", value, "must be host:port with a port between 1 and 65535");
			}
		}
	}

	/** {@code turn:host[:port][?transport=udp|tcp]} or {@code turns:...} (RFC 7065). */
	private static void turn(String name, RatsProperties.TurnServer server) {
		String url = server.getUrl();
		if (url == null || !(url.startsWith("turn:") || url.startsWith("turns:"))) {
			throw invalid(name + ".url", url, "must be a turn: or turns: URI such as turn:turn.example.com:3478");
		}
		try {
			URI uri = new URI(url.replaceFirst("^turns?:", "turn://"));
			if (uri.getHost() == null || uri.getPath() != null && !uri.getPath().isEmpty() || uri.getUserInfo() != null
					|| uri.getPort() == 0 || uri.getPort() > 65535) {
				throw new URISyntaxException(url, "expected host and optional port");
			}
			String query = uri.getQuery();
			if (query != null && !query.equals("transport=udp") && !query.equals("transport=tcp")) {
				throw new URISyntaxException(url, "transport must be udp or tcp");
			}
		}
		catch (URISyntaxException ex) {
			throw invalid(name + ".url", url, "is not a valid TURN URI (turn:host[:port][?transport=udp|tcp]): "
					+ ex.getReason());
		}
		if (server.getUsername() == null || server.getUsername().isEmpty()) {
			throw invalid(name + ".username", server.getUsername(), "a TURN server needs a user name");
		}
		if (server.getPassword() == null) {
			// the value itself is never echoed
			throw invalid(name + ".password", null, "a TURN server needs a password");
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(name, value, reason);
	}

}
