package io.librats.spring.actuate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.librats.ConnectionAttemptLog;
import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.config.TurnServer;
import io.librats.dht.DhtService;
import io.librats.dht.DhtStats;
import io.librats.mdns.MdnsService;
import io.librats.mdns.MdnsServiceInfo;
import io.librats.mdns.MdnsStats;
import io.librats.nat.ExternalAddressService;
import io.librats.nat.NatService;
import io.librats.nat.NatType;
import io.librats.nat.NatTypeInfo;
import io.librats.noise.NoiseCipher;
import io.librats.spring.autoconfigure.RatsLifecycle;
import io.librats.spring.autoconfigure.RatsProperties;
import io.librats.spring.env.NodeStatePropertySource;
import io.librats.subsystem.RatsSubsystem;
import io.librats.transport.PeerInfo;
import org.springframework.core.env.Environment;

/**
 * A JSON-friendly view of the rats node, shared by the Actuator endpoint, the health indicator and any page that
 * wants the same data. Never contains a secret: TURN passwords appear as {@value #MASK}.
 */
public class RatsNodeReport {

	/** What a secret is shown as. */
	public static final String MASK = "******";

	private static final int MAX_LISTED_ADDRESSES = 16;

	private final RatsClient client;

	private final RatsLifecycle lifecycle;

	private final RatsProperties properties;

	private final Environment environment;

	/**
	 * @param lifecycle the node's lifecycle, for uptime and start failures; may be {@code null}
	 */
	public RatsNodeReport(RatsClient client, RatsLifecycle lifecycle, RatsProperties properties,
			Environment environment) {
		this.client = client;
		this.lifecycle = lifecycle;
		this.properties = properties;
		this.environment = environment;
	}

	/** Everything: node, peers, discovery, subsystems. */
	public Map<String, Object> summary() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("node", node());
		map.put("peers", peers());
		map.put("discovery", discovery());
		map.put("subsystems", this.client.subsystems().stream().map(RatsSubsystem::name).toList());
		return map;
	}

	public Map<String, Object> node() {
		Map<String, Object> node = new LinkedHashMap<>();
		node.put("peerId", this.client.peerId());
		node.put("running", this.client.isRunning());
		node.put("listenPort", this.client.listenPort());
		node.put("listenAddresses", listenAddresses());
		Instant started = (this.lifecycle != null) ? this.lifecycle.startedAt() : null;
		node.put("startedAt", started);
		node.put("uptimeSeconds", (started != null) ? Duration.between(started, Instant.now()).toSeconds() : null);
		node.put("encryption", this.client.config().encryption());
		node.put("aesGcmOffered", this.client.config().encryption() && this.client.config().aesGcm()
				&& NoiseCipher.hardwareAesGcm());
		node.put("transport", this.client.transportName());
		node.put("protocolId", this.client.config().protocolId());
		node.put("peerCount", this.client.peerCount());
		node.put("maxPeers", this.client.config().maxPeers());
		node.put("stateDir", String.valueOf(this.client.config().stateDir()));
		RuntimeException failure = (this.lifecycle != null) ? this.lifecycle.startFailure() : null;
		node.put("startFailure", (failure != null) ? failure.getMessage() : null);
		return node;
	}

	/** Where peers can reach this node: the bound address, or every interface address for a wildcard bind. */
	public List<String> listenAddresses() {
		int port = this.client.listenPort();
		if (port < 0) {
			return List.of();
		}
		String configured = this.client.config().listenAddress();
		if (configured != null) {
			return List.of(hostPort(configured, port));
		}
		List<String> addresses = new ArrayList<>();
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!nic.isUp()) {
					continue;
				}
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					if (addresses.size() < MAX_LISTED_ADDRESSES && !address.isLinkLocalAddress()) {
						addresses.add(hostPort(address.getHostAddress(), port));
					}
				}
			}
		}
		catch (SocketException ex) {
			addresses.add(hostPort("0.0.0.0", port));
		}
		return addresses;
	}

	private static String hostPort(String host, int port) {
		String bare = (host.indexOf('%') >= 0) ? host.substring(0, host.indexOf('%')) : host;
		return (bare.indexOf(':') >= 0) ? "[" + bare + "]:" + port : bare + ":" + port;
	}

	public List<Map<String, Object>> peers() {
		List<Map<String, Object>> peers = new ArrayList<>();
		for (PeerInfo info : this.client.peers()) {
			Map<String, Object> peer = new LinkedHashMap<>();
			peer.put("peerId", info.peerId());
			peer.put("address", address(info.address()));
			peer.put("listenPort", info.listenPort());
			peer.put("direction", info.direction());
			peer.put("connectionMethod", this.client.connectionMethod(info.peerId()).map(Enum::name).orElse(null));
			peer.put("path", info.path());
			peer.put("encrypted", info.encrypted());
			peer.put("cipher", info.cipher());
			peer.put("connectedSince", info.connectedSince());
			peer.put("handshakeMillis", millis(info.handshakeDuration()));
			peer.put("bytesIn", info.bytesIn());
			peer.put("bytesOut", info.bytesOut());
			peer.put("messagesIn", info.messagesIn());
			peer.put("messagesOut", info.messagesOut());
			peer.put("lastSeen", info.lastSeen());
			peer.put("rttMillis", millis(info.rtt()));
			peers.add(peer);
		}
		return peers;
	}

	private static Double millis(Duration duration) {
		return (duration != null) ? duration.toNanos() / 1_000_000.0 : null;
	}

	public Map<String, Object> discovery() {
		Map<String, Object> discovery = new LinkedHashMap<>();
		Map<String, Object> dht = new LinkedHashMap<>();
		Optional<DhtService> service = this.client.services().find(DhtService.class);
		if (hasSubsystem("dht")) {
			dht.put("enabled", true);
			dht.put("running", service.isPresent());
			service.ifPresent((running) -> {
				DhtStats stats = running.stats();
				dht.put("udpPort", running.port());
				dht.put("nodeId", stats.nodeId());
				dht.put("nodes", stats.nodes());
				dht.put("buckets", stats.buckets());
				dht.put("good", stats.good());
				dht.put("questionable", stats.questionable());
				dht.put("bad", stats.bad());
				dht.put("replacements", stats.replacements());
				dht.put("storedInfohashes", stats.storedInfohashes());
				dht.put("storedPeers", stats.storedPeers());
				dht.put("outstandingQueries", stats.outstandingQueries());
			});
			dht.put("counters", counters("dht."));
		}
		else {
			dht.put("enabled", false);
			dht.put("status", "not enabled: set rats.discovery.dht.enabled=true");
		}
		discovery.put("dht", dht);
		Map<String, Object> mdns = new LinkedHashMap<>();
		if (hasSubsystem("mdns")) {
			mdns.put("enabled", true);
			Optional<MdnsService> running = this.client.services().find(MdnsService.class);
			mdns.put("running", running.isPresent());
			running.ifPresent((mdnsService) -> {
				MdnsStats stats = mdnsService.stats();
				mdns.put("serviceType", stats.serviceType());
				mdns.put("instanceName", stats.instanceName());
				mdns.put("state", stats.state());
				mdns.put("interfaces", stats.interfaces());
				mdns.put("cachedRecords", stats.cachedRecords());
				mdns.put("queryIntervalMillis", stats.queryIntervalMillis());
				List<Map<String, Object>> services = new ArrayList<>();
				for (MdnsServiceInfo info : mdnsService.discoveredServices()) {
					Map<String, Object> entry = new LinkedHashMap<>();
					entry.put("instanceName", info.instanceName());
					entry.put("peerId", info.peerId());
					entry.put("addresses", info.addresses());
					entry.put("port", info.port());
					entry.put("interface", info.interfaceName());
					services.add(entry);
				}
				mdns.put("services", services);
			});
			mdns.put("counters", counters("mdns."));
		}
		else {
			mdns.put("enabled", false);
			mdns.put("status", this.properties.getDiscovery().getMdns().isEnabled()
					? "not available: rats.discovery.mdns.enabled=true but no mDNS subsystem is on the classpath"
					: "not enabled: set rats.discovery.mdns.enabled=true");
		}
		discovery.put("mdns", mdns);
		return discovery;
	}

	public Map<String, Object> nat() {
		Map<String, Object> nat = new LinkedHashMap<>();
		Optional<NatService> service = this.client.services().find(NatService.class);
		Optional<NatTypeInfo> measured = service.flatMap(NatService::lastNatCharacteristics);
		nat.put("detection", service.isPresent() ? (measured.isPresent() ? "measured" : "enabled, not measured yet")
				: "not available: no NAT traversal subsystem is attached; only direct connections are made");
		nat.put("natType", natType());
		nat.put("publicAddress", publicAddress());
		nat.put("detectedAt", measured.map(NatTypeInfo::detectedAt).map(Object::toString)
			.orElseGet(() -> this.environment.getProperty(NodeStatePropertySource.NAT_DETECTED_AT)));
		measured.ifPresent((info) -> {
			Map<String, Object> characteristics = new LinkedHashMap<>();
			characteristics.put("mapping", info.mapping());
			characteristics.put("filtering", info.filtering());
			characteristics.put("hairpinning", info.hairpinning());
			characteristics.put("behindNat", info.behindNat());
			characteristics.put("sharedAddressSpace", info.sharedAddressSpace());
			characteristics.put("mappedAddress", address(info.mappedAddress()));
			characteristics.put("server", address(info.server()));
			characteristics.put("tookMillis", millis(info.took()));
			characteristics.put("detail", info.detail());
			nat.put("characteristics", characteristics);
		});
		nat.put("relayedAddress", service.flatMap(NatService::relayedAddress).map(RatsNodeReport::address)
			.orElse(null));
		nat.put("strategy", this.properties.getNat().getStrategy());
		nat.put("stunServers", this.client.config().natTraversal().stunServers());
		List<Map<String, Object>> turn = new ArrayList<>();
		for (TurnServer server : this.client.config().natTraversal().turnServers()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("url", server.url());
			entry.put("username", server.username());
			entry.put("password", MASK);
			turn.add(entry);
		}
		nat.put("turnServers", turn);
		nat.put("candidates", candidates(service));
		nat.put("recentAttempts", recentAttempts());
		return nat;
	}

	/** The NAT type: measured by the NAT subsystem if running, else saved in the state directory, else UNKNOWN. */
	public String natType() {
		return this.client.services().find(NatService.class).flatMap(NatService::lastNatCharacteristics)
			.map((info) -> info.natType().name())
			.orElseGet(() -> this.environment.getProperty(NodeStatePropertySource.NAT_TYPE, NatType.UNKNOWN.name()));
	}

	private String publicAddress() {
		Optional<String> live = this.client.services().find(NatService.class).flatMap(NatService::publicAddress)
			.map(RatsNodeReport::address);
		if (live.isPresent()) {
			return live.get();
		}
		return this.client.services().find(ExternalAddressService.class)
			.flatMap(ExternalAddressService::externalAddress)
			.map(InetAddress::getHostAddress)
			.orElseGet(() -> this.environment.getProperty(NodeStatePropertySource.NAT_PUBLIC_ADDRESS));
	}

	/** The addresses peers may dial: our listen addresses (host), the STUN-mapped one and the TURN-relayed one. */
	private List<Map<String, Object>> candidates(Optional<NatService> service) {
		List<Map<String, Object>> candidates = new ArrayList<>();
		for (String address : listenAddresses()) {
			candidates.add(Map.of("type", "host", "address", address));
		}
		service.flatMap(NatService::publicAddress)
			.ifPresent((mapped) -> candidates.add(Map.of("type", "server-reflexive", "address", address(mapped))));
		service.flatMap(NatService::relayedAddress)
			.ifPresent((relayed) -> candidates.add(Map.of("type", "relayed", "address", address(relayed))));
		return candidates;
	}

	private static String address(InetSocketAddress address) {
		if (address == null) {
			return null;
		}
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return hostPort(host, address.getPort());
	}

	public List<Map<String, Object>> recentAttempts() {
		List<Map<String, Object>> attempts = new ArrayList<>();
		for (ConnectionAttemptLog.Entry entry : this.client.recentConnectionAttempts()) {
			ConnectionAttemptResult result = entry.result();
			Map<String, Object> attempt = new LinkedHashMap<>();
			attempt.put("at", entry.at());
			attempt.put("target", hostPort(result.host(), result.port()));
			attempt.put("method", result.method());
			attempt.put("success", result.success());
			attempt.put("durationMillis", millis(result.duration()));
			attempt.put("peerId", result.peerId());
			attempt.put("error", result.error());
			attempts.add(attempt);
		}
		return attempts;
	}

	private Map<String, Long> counters(String prefix) {
		Map<String, Long> counters = new LinkedHashMap<>();
		this.client.metrics().snapshot().forEach((name, value) -> {
			if (name.startsWith(prefix)) {
				counters.put(name, value);
			}
		});
		return counters;
	}

	private boolean hasSubsystem(String name) {
		return this.client.subsystems().stream().anyMatch((subsystem) -> subsystem.name().equals(name));
	}

}
