package io.librats.mdns;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import io.librats.metrics.RatsMetrics;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mDNS protocol logic of one rats node, free of sockets: decodes each received packet (dropping and counting
 * what is malformed or not for us) and hands it to the {@link Advertiser} (our service) and the {@link Browser}
 * (other rats services). Everything runs on one thread, the one behind its {@link MdnsScheduler}.
 */
final class MdnsEngine {

	private static final Logger logger = LoggerFactory.getLogger(MdnsEngine.class);

	/** The DNS-SD service type of rats nodes. */
	static final DnsName SERVICE_TYPE = DnsName.parse("_rats._tcp.local.");

	private final MdnsOutput output;

	private final RatsMetrics metrics;

	private final Advertiser advertiser;

	private final Browser browser;

	/** Identity and settings of the node being advertised. */
	record Node(String peerId, int port, String namespace, int protocolVersion, String instance) {
	}

	MdnsEngine(MdnsConfig config, MdnsScheduler scheduler, MdnsOutput output, Random random, RatsMetrics metrics,
			Node node, Consumer<String> nameListener, MdnsServiceListener services) {
		this.output = output;
		this.metrics = metrics;
		MdnsEnvironment env = new MdnsEnvironment(config, scheduler, output, random, metrics);
		List<String> txt = new ArrayList<>(List.of("txtvers=1", Browser.TXT_PEER_ID + "=" + node.peerId(),
				Browser.TXT_VERSION + "=" + node.protocolVersion()));
		if (!node.namespace().isEmpty()) {
			txt.add(Browser.TXT_NAMESPACE + "=" + node.namespace());
		}
		String host = "rats-" + node.peerId().substring(0, 12);
		this.advertiser = new Advertiser(env, SERVICE_TYPE, node.instance(), host,
				node.port(), txt, nameListener);
		this.browser = new Browser(env, SERVICE_TYPE, node.peerId(),
				node.namespace(), node.protocolVersion(), services::serviceFound, services::serviceLost,
				this.advertiser::announcedPointer);
	}

	void start() {
		this.advertiser.start();
		this.browser.start();
	}

	/** Says goodbye and stops every timer. */
	void stop() {
		this.browser.stop();
		this.advertiser.stop();
	}

	Advertiser advertiser() {
		return this.advertiser;
	}

	Browser browser() {
		return this.browser;
	}

	/** Our records per interface, to be passed back to {@link #interfacesChanged} after the interfaces change. */
	Map<String, List<MdnsRecord>> recordsByInterface() {
		Map<String, List<MdnsRecord>> records = new HashMap<>();
		for (MdnsInterface iface : this.output.interfaces()) {
			records.put(iface.name(), this.advertiser.records(iface));
		}
		return records;
	}

	/** The set of interfaces or their addresses changed; {@code before} is what {@link #recordsByInterface} said. */
	void interfacesChanged(Map<String, List<MdnsRecord>> before) {
		List<String> gone = new ArrayList<>(before.keySet());
		this.output.interfaces().forEach((iface) -> gone.remove(iface.name()));
		this.browser.interfacesChanged(gone);
		this.advertiser.interfacesChanged(before);
	}

	/** One received datagram; never throws for its content. */
	void receive(ByteBuf packet, InetSocketAddress source) {
		this.metrics.increment(MdnsMetrics.PACKETS_IN);
		MdnsInterface iface = null;
		for (MdnsInterface candidate : this.output.interfaces()) {
			if (candidate.isOnLink(source.getAddress())) {
				iface = candidate;
				break;
			}
		}
		if (iface == null) {
			// RFC 6762 section 11: only packets from the local link are mDNS for us.
			this.metrics.increment(MdnsMetrics.PACKETS_IGNORED);
			return;
		}
		MdnsMessage message;
		try {
			message = MdnsCodec.decode(packet);
		}
		catch (MdnsFormatException ex) {
			this.metrics.increment(MdnsMetrics.PACKETS_MALFORMED);
			logger.debug("Dropped malformed mDNS packet from {}: {}", source, ex.getMessage());
			return;
		}
		if (!message.isStandard()) {
			this.metrics.increment(MdnsMetrics.PACKETS_IGNORED);
			return;
		}
		if (message.isResponse()) {
			if (source.getPort() != Advertiser.MDNS_PORT) {
				// Section 6: responses not from port 5353 are not mDNS responses.
				this.metrics.increment(MdnsMetrics.PACKETS_IGNORED);
				return;
			}
			this.advertiser.onResponse(message, iface);
			this.browser.onResponse(message, iface);
			return;
		}
		if (message.isProbe()) {
			this.advertiser.onProbe(message, iface);
		}
		this.advertiser.onQuery(message, source, iface);
	}

}
