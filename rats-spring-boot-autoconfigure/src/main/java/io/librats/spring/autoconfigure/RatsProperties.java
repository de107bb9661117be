package io.librats.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.librats.ConnectionStrategy;
import io.librats.config.RatsConfig;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the application's rats node, under {@code rats.*}. Every value is checked when the application
 * starts ({@link RatsPropertiesValidator}); a bad one fails startup with a message naming the property.
 */
@ConfigurationProperties("rats")
public class RatsProperties implements InitializingBean {

	/** Whether to create and start a rats node at all. */
	private boolean enabled = true;

	/** TCP port to accept peers on. 0 picks a free ephemeral port. */
	private int port = RatsConfig.DEFAULT_PORT;

	/** Address to listen on. Empty listens on every interface, IPv4 and IPv6. */
	private String listenAddress;

	/** Most peers connected at once, counting both directions. */
	private int maxPeers = 50;

	/**
	 * Whether sessions are Noise-encrypted. Turn off only for debugging: an encrypted node refuses an unencrypted
	 * one.
	 */
	private boolean encryption = true;

	/**
	 * Whether to offer AES-256-GCM as the Noise cipher where the JVM runs AES on the CPU's own instructions. A
	 * connection uses it when both peers offer it, ChaCha20-Poly1305 otherwise; both are standard Noise ciphers.
	 */
	private boolean aesGcm = true;

	/** Static peers, as host:port, to connect to at start and keep connected. */
	private List<String> peers = new ArrayList<>();

	/**
	 * Directory for the node's identity, known peers and learned NAT facts. Defaults to
	 * ${user.home}/.rats/${spring.application.name}, or ${user.home}/.rats/app-HASH where HASH is taken from the
	 * main class and working directory when the application has no name, so that two applications never share an
	 * identity.
	 */
	private Path stateDir;

	/**
	 * Application protocol id bound into the handshake: nodes with different ids never connect. Give each
	 * application its own.
	 */
	private String protocolId = "rats";

	/**
	 * Whether a node that cannot start (for example because its port is taken) fails the application's startup.
	 * When false the application starts and the rats health indicator is DOWN with the reason.
	 */
	private boolean failFast = true;

	/** Time allowed for a TCP connection to a peer to open. */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/** Time allowed from an open connection to the end of the rats handshake. */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/** Silence from a peer after which a liveness ping is sent to it. */
	private Duration pingInterval = Duration.ofSeconds(15);

	/** A peer that sends nothing for this long is declared dead. Must exceed the ping interval. */
	private Duration peerTimeout = Duration.ofSeconds(45);

	/** First delay before dialing a lost peer again; doubles up to the maximum. */
	private Duration reconnectInitialDelay = Duration.ofSeconds(1);

	/** Longest delay between reconnect attempts. */
	private Duration reconnectMaxDelay = Duration.ofSeconds(60);

	/** Reconnect attempts for peers learned at run time; static peers are retried forever. */
	private int reconnectMaxAttempts = 10;

	/** Largest message (frame body) accepted or sent. */
	private DataSize maxMessageSize = DataSize.ofBytes(RatsConfig.DEFAULT_MAX_FRAME_SIZE);

	/**
	 * Threads running message handlers and listeners, on threads of the node's own. 0 uses the core's default (the
	 * number of CPUs, at least 2); a count above 0 gives the node threads of its own unless shared-threads is set.
	 */
	private int handlerThreads = 0;

	/**
	 * Whether the node runs on the JVM's shared rats threads (event loops, handler pool, scheduler) instead of threads
	 * of its own. Unset, the node shares unless handler-threads is set. Set false to keep this node's listeners from
	 * ever waiting behind another node's in the same JVM.
	 */
	private Boolean sharedThreads;

	private final State state = new State();

	private final Discovery discovery = new Discovery();

	private final Nat nat = new Nat();

	/** Checks every value once bound, so a bad one fails startup naming its property. */
	@Override
	public void afterPropertiesSet() {
		RatsPropertiesValidator.validate(this);
	}

	public boolean isEnabled() { return this.enabled; }
	public void setEnabled(boolean enabled) { this.enabled = enabled; }
	public int getPort() { return this.port; }
	public void setPort(int port) { this.port = port; }
	public String getListenAddress() { return this.listenAddress; }
	public void setListenAddress(String listenAddress) { this.listenAddress = listenAddress; }
	public int getMaxPeers() { return this.maxPeers; }
	public void setMaxPeers(int maxPeers) { this.maxPeers = maxPeers; }
	public boolean isEncryption() { return this.encryption; }
	public void setEncryption(boolean encryption) { this.encryption = encryption; }
	public boolean isAesGcm() { return this.aesGcm; }
	public void setAesGcm(boolean aesGcm) { this.aesGcm = aesGcm; }
	public List<String> getPeers() { return this.peers; }
	public void setPeers(List<String> peers) { this.peers = peers; }
	public Path getStateDir() { return this.stateDir; }
	public void setStateDir(Path stateDir) { this.stateDir = stateDir; }
	public String getProtocolId() { return this.protocolId; }
	public void setProtocolId(String protocolId) { this.protocolId = protocolId; }
	public boolean isFailFast() { return this.failFast; }
	public void setFailFast(boolean failFast) { this.failFast = failFast; }
	public Duration getConnectTimeout() { return this.connectTimeout; }
	public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
	public Duration getHandshakeTimeout() { return this.handshakeTimeout; }
	public void setHandshakeTimeout(Duration handshakeTimeout) { this.handshakeTimeout = handshakeTimeout; }
	public Duration getPingInterval() { return this.pingInterval; }
	public void setPingInterval(Duration pingInterval) { this.pingInterval = pingInterval; }
	public Duration getPeerTimeout() { return this.peerTimeout; }
	public void setPeerTimeout(Duration peerTimeout) { this.peerTimeout = peerTimeout; }
	public Duration getReconnectInitialDelay() { return this.reconnectInitialDelay; }
	public void setReconnectInitialDelay(Duration value) { this.reconnectInitialDelay = value; }
	public Duration getReconnectMaxDelay() { return this.reconnectMaxDelay; }
	public void setReconnectMaxDelay(Duration value) { this.reconnectMaxDelay = value; }
	public int getReconnectMaxAttempts() { return this.reconnectMaxAttempts; }
	public void setReconnectMaxAttempts(int value) { this.reconnectMaxAttempts = value; }
	public DataSize getMaxMessageSize() { return this.maxMessageSize; }
	public void setMaxMessageSize(DataSize maxMessageSize) { this.maxMessageSize = maxMessageSize; }
	public int getHandlerThreads() { return this.handlerThreads; }
	public void setHandlerThreads(int handlerThreads) { this.handlerThreads = handlerThreads; }
	public Boolean getSharedThreads() { return this.sharedThreads; }
	public void setSharedThreads(Boolean sharedThreads) { this.sharedThreads = sharedThreads; }
	public State getState() { return this.state; }
	public Discovery getDiscovery() { return this.discovery; }
	public Nat getNat() { return this.nat; }

	/** What happens to the files in the state directory. */
	public static class State {

		/**
		 * Whether a corrupt state file (identity, known peers, NAT facts) is moved aside (renamed with a
		 * ".corrupt-TIMESTAMP" suffix) so the node starts fresh, with a new peer id if the identity was corrupt.
		 * Off by default: a corrupt file fails startup with a message naming it, because peers know the node by
		 * its id.
		 */
		private boolean resetOnCorrupt = false;

		public boolean isResetOnCorrupt() { return this.resetOnCorrupt; }
		public void setResetOnCorrupt(boolean resetOnCorrupt) { this.resetOnCorrupt = resetOnCorrupt; }

	}

	/** How the node finds peers besides its static and known peers. */
	public static class Discovery {

		private final Dht dht = new Dht();

		private final Mdns mdns = new Mdns();

		public Dht getDht() { return this.dht; }
		public Mdns getMdns() { return this.mdns; }

	}

	/** BitTorrent mainline DHT discovery (BEP 5). */
	public static class Dht {

		/** Whether to run a DHT node that announces this node and dials the rats peers it finds. */
		private boolean enabled = false;

		/**
		 * DHT nodes to bootstrap from, as host:port. Empty by default, so no public router is contacted; the public
		 * mainline DHT is reached through e.g. router.bittorrent.com:6881.
		 */
		private List<String> bootstrap = new ArrayList<>();

		/** Discovery namespace: nodes with different namespaces never find each other. */
		private String namespace = "";

		/** UDP port of the DHT node. 0 picks a free ephemeral port. */
		private int port = 0;

		/** Address the DHT's UDP socket binds to. */
		private String bindAddress = "0.0.0.0";

		/** Interval between announces of this node under the discovery infohash. */
		private Duration announceInterval = Duration.ofMinutes(15);

		/** Interval between lookups of other nodes under the discovery infohash. */
		private Duration lookupInterval = Duration.ofMinutes(5);

		public boolean isEnabled() { return this.enabled; }
		public void setEnabled(boolean enabled) { this.enabled = enabled; }
		public List<String> getBootstrap() { return this.bootstrap; }
		public void setBootstrap(List<String> bootstrap) { this.bootstrap = bootstrap; }
		public String getNamespace() { return this.namespace; }
		public void setNamespace(String namespace) { this.namespace = namespace; }
		public int getPort() { return this.port; }
		public void setPort(int port) { this.port = port; }
		public String getBindAddress() { return this.bindAddress; }
		public void setBindAddress(String bindAddress) { this.bindAddress = bindAddress; }
		public Duration getAnnounceInterval() { return this.announceInterval; }
		public void setAnnounceInterval(Duration value) { this.announceInterval = value; }
		public Duration getLookupInterval() { return this.lookupInterval; }
		public void setLookupInterval(Duration value) { this.lookupInterval = value; }

	}

	/** Multicast DNS discovery on the local network (RFC 6762/6763). */
	public static class Mdns {

		/** Whether to announce and browse for rats nodes with mDNS. Off by default: nothing multicasts. */
		private boolean enabled = false;

		/**
		 * DNS-SD instance name this node announces (1..63 bytes of UTF-8; dots and spaces allowed). Empty uses the
		 * host name plus the first 6 hex digits of the peer id. Renamed "name (2)", ... if the link already has it.
		 */
		private String serviceName;

		/** Network interfaces to use, by name. Empty uses every interface that is up, multicast-capable and not loopback. */
		private List<String> interfaces = new ArrayList<>();

		/** Application namespace announced in TXT "ns"; only nodes with the same one are dialed. Empty uses rats.protocol-id. */
		private String namespace;

		/** Whether to run mDNS over IPv4 (224.0.0.251). */
		private boolean ipv4 = true;

		/** Whether to run mDNS over IPv6 (ff02::fb). */
		private boolean ipv6 = true;

		/** First interval of continuous querying, doubled after each query (RFC 6762 section 5.2). */
		private Duration queryInterval = Duration.ofSeconds(1);

		/** Longest interval between queries. */
		private Duration maxQueryInterval = Duration.ofMinutes(60);

		/** How often network interfaces and their addresses are checked for changes. */
		private Duration interfacePollInterval = Duration.ofSeconds(5);

		public boolean isEnabled() { return this.enabled; }
		public void setEnabled(boolean enabled) { this.enabled = enabled; }
		public String getServiceName() { return this.serviceName; }
		public void setServiceName(String serviceName) { this.serviceName = serviceName; }
		public List<String> getInterfaces() { return this.interfaces; }
		public void setInterfaces(List<String> interfaces) { this.interfaces = interfaces; }
		public String getNamespace() { return this.namespace; }
		public void setNamespace(String namespace) { this.namespace = namespace; }
		public boolean isIpv4() { return this.ipv4; }
		public void setIpv4(boolean ipv4) { this.ipv4 = ipv4; }
		public boolean isIpv6() { return this.ipv6; }
		public void setIpv6(boolean ipv6) { this.ipv6 = ipv6; }
		public Duration getQueryInterval() { return this.queryInterval; }
		public void setQueryInterval(Duration value) { this.queryInterval = value; }
		public Duration getMaxQueryInterval() { return this.maxQueryInterval; }
		public void setMaxQueryInterval(Duration value) { this.maxQueryInterval = value; }
		public Duration getInterfacePollInterval() { return this.interfacePollInterval; }
		public void setInterfacePollInterval(Duration value) { this.interfacePollInterval = value; }

	}

	/** NAT traversal: STUN, TURN and the default connection strategy. */
	public static class Nat {

		/** STUN servers as host:port. Empty by default, so no public server is contacted. */
		private List<String> stunServers = new ArrayList<>();

		/** TURN relays with their long-term credentials. */
		private List<TurnServer> turnServers = new ArrayList<>();

		/** Strategy used for connections the application starts without naming one (Actuator, static peers). */
		private ConnectionStrategy strategy = ConnectionStrategy.AUTO_ADAPTIVE;

		public List<String> getStunServers() { return this.stunServers; }
		public void setStunServers(List<String> stunServers) { this.stunServers = stunServers; }
		public List<TurnServer> getTurnServers() { return this.turnServers; }
		public void setTurnServers(List<TurnServer> turnServers) { this.turnServers = turnServers; }
		public ConnectionStrategy getStrategy() { return this.strategy; }
		public void setStrategy(ConnectionStrategy strategy) { this.strategy = strategy; }

	}

	/** A TURN relay (RFC 8656). */
	public static class TurnServer {

		/** Relay URI: turn:host[:port] or turns:host[:port], optionally with ?transport=udp|tcp. */
		private String url;

		/** Long-term credential user name. */
		private String username;

		/** Long-term credential password. Masked in every Actuator endpoint. */
		private String password;

		public String getUrl() { return this.url; }
		public void setUrl(String url) { this.url = url; }
		public String getUsername() { return this.username; }
		public void setUsername(String username) { this.username = username; }
		public String getPassword() { return this.password; }
		public void setPassword(String password) { this.password = password; }

		@Override
		public String toString() {
			return "TurnServer[url=" + this.url + ", username=" + this.username + ", password=******]";
		}

	}

}
