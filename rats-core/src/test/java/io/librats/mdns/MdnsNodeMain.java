package io.librats.mdns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.transport.PeerInfo;

/**
 * A rats node with mDNS discovery, run as a child process inside a network namespace. Arguments are
 * {@code key=value}: {@code name} (instance name), {@code ns} (namespace), {@code query} (first query interval, ms),
 * {@code announce} (announcement interval, ms), {@code poll} (interface poll, ms), {@code ipv4}/{@code ipv6}
 * (true/false), {@code hostTtl} (s). Prints {@code READY <peerId> <port>}, then events as lines:
 * {@code NAME <instance>} each time the advertised name settles, {@code FOUND <peerId> <instance> <address> <port> <namespace>},
 * {@code DISCOVERED <peerId> <host> <port>}, {@code CONNECTED <peerId>}, {@code GONE <peerId>}. Commands on
 * standard input: {@code stop} (stop mDNS, prints {@code STOPPED}), {@code start} (start it again),
 * {@code services} (prints {@code SERVICE <peerId> <address>} lines then {@code END}); end of input exits.
 */
public final class MdnsNodeMain {

	private MdnsNodeMain() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			options.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		MdnsConfig.Builder config = MdnsConfig.builder()
			.serviceName(options.get("name"))
			.namespace(options.get("ns"))
			.queryInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("query", "1000"))))
			.maxQueryInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("maxQuery", "60000"))))
			.announceInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("announce", "1000"))))
			.interfacePollInterval(Duration.ofMillis(Long.parseLong(options.getOrDefault("poll", "1000"))))
			.hostTtl(Duration.ofSeconds(Long.parseLong(options.getOrDefault("hostTtl", "120"))))
			.ipv4(Boolean.parseBoolean(options.getOrDefault("ipv4", "true")))
			.ipv6(Boolean.parseBoolean(options.getOrDefault("ipv6", "true")));
		RatsClient node = new RatsClient(TestNodes.loopbackConfig().build());
		node.addConnectionListener(new ConnectionListener() {
			@Override
			public void onPeerConnected(PeerInfo peer) {
				say("CONNECTED " + peer.peerId());
			}
		});
		node.onPeerDiscovered((peer) -> say("DISCOVERED " + peer.peerId() + " " + peer.host() + " " + peer.port()));
		node.start();
		say("READY " + node.peerId() + " " + node.listenPort());
		start(node, config.build());
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			switch (line.trim()) {
				case "stop" -> {
					node.stopMdnsDiscovery();
					say("STOPPED");
				}
				case "start" -> start(node, config.build());
				case "services" -> {
					node.discoveredServices().forEach((s) -> say("SERVICE " + s.peerId() + " " + s.addresses()));
					say("END");
				}
				default -> say("UNKNOWN " + line);
			}
		}
		node.stop();
	}

	private static void start(RatsClient node, MdnsConfig config) {
		node.startMdnsDiscovery(config);
		MdnsService mdns = node.services().find(MdnsService.class).orElseThrow();
		mdns.addListener(new MdnsServiceListener() {
			@Override
			public void serviceFound(MdnsServiceInfo service) {
				say("FOUND " + service.peerId() + " " + service.instanceName().replace(' ', '_') + " "
						+ service.addresses().get(0) + " " + service.port() + " " + service.txt().get("ns"));
			}

			@Override
			public void serviceLost(MdnsServiceInfo service) {
				say("GONE " + service.peerId());
			}

			@Override
			public void nameSettled(String instanceName) {
				say("NAME " + instanceName);
			}
		});
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
