package io.librats.natlab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.ConnectionStrategy;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.config.NatTraversalConfig;
import io.librats.config.TurnServer;
import io.librats.nat.NatService;
import io.librats.nat.NatTypeInfo;
import io.librats.transport.PeerInfo;

/**
 * A rats node in a lab namespace, driven line by line by a test through {@link io.librats.testsupport.netns.NetnsProcess}.
 * Arguments are {@code key=value}: {@code stun=HOST:PORT}, {@code turn=URL}, {@code user=}, {@code password=} (the
 * lab's throwaway credential), {@code timers=default} for the STUN timers of {@link NatTraversalConfig#defaults()}
 * instead of the lab's short ones. Prints {@code READY <peerId> <port>} once listening, then answers:
 * <ul>
 * <li>{@code detect-nat} → {@code NAT <type> mapping=<m> filtering=<f> took=<ms>}</li>
 * <li>{@code public-address} → {@code PUBLIC <ip>:<port>}</li>
 * <li>{@code relayed} → {@code RELAYED <ip>:<port>}, or {@code RELAYED none} while there is no TURN TCP allocation</li>
 * <li>{@code connect <host> <port> <strategy>} → {@code CONNECTED <peerId> <strategy>} or {@code CONNECT-FAILED}</li>
 * <li>{@code permit <ip>} → {@code PERMITTED <ip>}: peers from that IP may connect to our relayed address</li>
 * <li>{@code send <peerId> <text>} → {@code SENT <peerId>}; the other side prints {@code RECEIVED <peerId> <text>}</li>
 * <li>{@code peers} → {@code PEER <peerId> path=<path> encrypted=<bool> address=<addr> rtt=<rtt>} per peer, then
 * {@code PEERS <count>}</li>
 * <li>{@code stop} → {@code STOPPED}; the end of input stops the node too</li>
 * </ul>
 * A command that fails prints {@code ERROR <command> <reason>}.
 */
public final class LabNodeMain {

	/** The application channel the lab's messages travel on. */
	static final String CHANNEL = "lab";

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

	private final RatsClient node;

	private LabNodeMain(RatsClient node) {
		this.node = node;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			options.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		RatsClient node = new RatsClient(TestNodes.loopbackConfig()
			.handshakeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.natTraversal(natConfig(options))
			.build());
		node.on(CHANNEL, (message) -> say("RECEIVED " + message.peerId() + " " + message.data().asString()));
		node.start();
		say("READY " + node.peerId() + " " + node.listenPort());
		new LabNodeMain(node).run();
	}

	static NatTraversalConfig natConfig(Map<String, String> options) {
		NatTraversalConfig.Builder nat = NatTraversalConfig.builder().enableIce(false).enableHolePunching(false);
		if (!"default".equals(options.get("timers"))) {
			// The lab has no loss and sub-millisecond delays: short STUN timers keep the tests in seconds.
			nat.stunRto(Duration.ofMillis(200))
				.stunRequestCount(4)
				.stunLastWaitMultiplier(4)
				.natBehaviorTestTimeout(Duration.ofSeconds(1));
		}
		if (options.containsKey("stun")) {
			nat.stunServers(List.of(options.get("stun")));
		}
		if (options.containsKey("turn")) {
			nat.turnServers(List.of(new TurnServer(options.get("turn"), options.get("user"), options.get("password"))));
		}
		return nat.build();
	}

	private void run() throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] words = line.trim().split(" ", 3);
			if (words[0].equals("stop")) {
				break;
			}
			try {
				execute(words);
			}
			catch (Exception ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				say("ERROR " + words[0] + " " + cause);
			}
		}
		this.node.stop();
		say("STOPPED");
	}

	private void execute(String[] words) throws Exception {
		switch (words[0]) {
			case "detect-nat" -> {
				NatTypeInfo info = await(this.node.getNatCharacteristics());
				say("NAT " + info.natType() + " mapping=" + info.mapping() + " filtering=" + info.filtering() + " took="
						+ info.took().toMillis() + " mapped=" + info.mappedAddress() + " detail=" + info.detail());
			}
			case "public-address" -> say("PUBLIC " + format(await(this.node.discoverPublicAddress())));
			case "relayed" -> say("RELAYED " + this.node.natService()
				.flatMap(NatService::relayedAddress)
				.map(LabNodeMain::format)
				.orElse("none"));
			case "connect" -> {
				String[] target = words[2].split(" ");
				var result = await(this.node.connectToPeer(words[1], Integer.parseInt(target[0]),
						ConnectionStrategy.valueOf(target[1])));
				say(result.success() ? "CONNECTED " + result.peerId() + " " + result.method()
						: "CONNECT-FAILED " + result.error());
			}
			case "permit" -> {
				NatService nat = this.node.natService().orElseThrow(() -> new IllegalStateException("no nat subsystem"));
				await(nat.permitRelayedPeer(InetAddress.getByName(words[1])));
				say("PERMITTED " + words[1]);
			}
			case "send" -> {
				await(this.node.send(words[1], CHANNEL, words[2]));
				say("SENT " + words[1]);
			}
			case "peers" -> {
				List<PeerInfo> peers = this.node.peers();
				for (PeerInfo peer : peers) {
					say("PEER " + peer.peerId() + " path=" + peer.path() + " encrypted=" + peer.encrypted()
							+ " address=" + format(peer.address()) + " rtt=" + peer.rtt());
				}
				say("PEERS " + peers.size());
			}
			default -> say("ERROR " + words[0] + " unknown command");
		}
	}

	private static <T> T await(CompletableFuture<T> future) throws Exception {
		return future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static String format(InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

	private static void say(String line) {
		synchronized (System.out) {
			System.out.println(line);
			System.out.flush();
		}
	}

}
