package io.librats.nat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.metrics.RatsMetrics;
import io.librats.stun.StunAttribute;
import io.librats.stun.StunClass;
import io.librats.stun.StunClient;
import io.librats.stun.StunException;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;
import io.librats.stun.StunResponse;
import io.librats.stun.StunTimers;
import io.netty.channel.EventLoopGroup;

/**
 * RFC 5780 NAT behaviour discovery against one server with an alternate address (OTHER-ADDRESS):
 * <ol>
 * <li>filtering (section 4.4), first and from a fresh socket, so that no earlier test has opened the NAT towards the
 * server's other address: a Binding request with CHANGE-REQUEST(ip, port), then CHANGE-REQUEST(port);</li>
 * <li>mapping (section 4.3) from another fresh socket: Binding requests to the primary address, to the alternate IP
 * with the primary port, and to the alternate address, comparing the mapped addresses;</li>
 * <li>hairpinning (section 4.5): a Binding request to our own mapped address, which must come back to us.</li>
 * </ol>
 * Tests whose answer may never come wait at most {@code testTimeout}. The mapping lifetime is not measured (it takes
 * minutes of idle waiting per probe).
 */
final class NatBehaviorDiscovery {

	private final EventLoopGroup group;

	private final StunTimers timers;

	private final Duration testTimeout;

	private final RatsMetrics metrics;

	NatBehaviorDiscovery(EventLoopGroup group, StunTimers timers, Duration testTimeout, RatsMetrics metrics) {
		this.group = group;
		this.timers = timers;
		this.testTimeout = testTimeout;
		this.metrics = metrics;
	}

	/** Runs all tests against {@code server}; fails only when the local socket cannot be opened. */
	CompletableFuture<NatTypeInfo> run(InetSocketAddress server) {
		long started = System.nanoTime();
		InetAddress localIp;
		try {
			localIp = routeTo(server);
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		List<String> notes = new ArrayList<>();
		Result result = new Result();
		return open(localIp).thenCompose((filteringSocket) -> filtering(filteringSocket, server, result, notes)
			.whenComplete((ignored, ex) -> filteringSocket.close()))
			.thenCompose((ignored) -> result.answered ? open(localIp).thenCompose((mappingSocket) ->
					mapping(mappingSocket, server, result, notes)
						.thenCompose((unused) -> hairpinning(mappingSocket, result, notes))
						.whenComplete((unused, ex) -> mappingSocket.close()))
					: CompletableFuture.completedFuture(null))
			.thenApply((ignored) -> {
				NatType type = NatTypeInfo.classify(result.answered, result.behindNat, result.mapping, result.filtering);
				return new NatTypeInfo(type, result.mapping, result.filtering, result.hairpinning, result.behindNat,
						result.mapped != null && isSharedAddressSpace(result.mapped.getAddress()), result.local,
						result.mapped, server, result.other, null, Instant.now(),
						Duration.ofNanos(System.nanoTime() - started), String.join("; ", notes));
			});
	}

	/** The local address the system would use towards {@code server} (no packet is sent). */
	static InetAddress routeTo(InetSocketAddress server) throws IOException {
		StandardProtocolFamily family = (server.getAddress() instanceof Inet4Address) ? StandardProtocolFamily.INET
				: StandardProtocolFamily.INET6;
		try (DatagramChannel probe = DatagramChannel.open(family)) {
			probe.connect(server);
			return ((InetSocketAddress) probe.getLocalAddress()).getAddress();
		}
	}

	private CompletableFuture<StunClient> open(InetAddress localIp) {
		return StunClient.udp(this.group, new InetSocketAddress(localIp, 0), this.timers, this.metrics);
	}

	private static StunMessage binding() {
		return StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).fingerprint().build();
	}

	private static StunMessage changeRequest(boolean ip, boolean port) {
		return StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST).changeRequest(ip, port).fingerprint().build();
	}

	private CompletableFuture<Void> filtering(StunClient socket, InetSocketAddress server, Result result,
			List<String> notes) {
		result.local = socket.localAddress();
		return socket.request(binding(), server).handle((response, ex) -> {
			if (ex != null) {
				notes.add("no answer from " + server + ": UDP blocked or server down");
				return null;
			}
			try {
				StunMessage success = response.requireSuccess();
				result.answered = true;
				result.mapped = success.mappedAddress().orElseThrow(() -> new StunException("no mapped address"));
				result.other = success.address(StunAttribute.OTHER_ADDRESS).orElse(null);
				result.behindNat = !result.mapped.equals(result.local);
			}
			catch (StunException failure) {
				notes.add("bad Binding answer: " + failure.getMessage());
				result.answered = false;
			}
			return null;
		}).thenCompose((ignored) -> {
			if (!result.answered) {
				return CompletableFuture.completedFuture(null);
			}
			if (result.other == null) {
				notes.add("server has no OTHER-ADDRESS (RFC 5780 not enabled): filtering and mapping unknown");
				return CompletableFuture.completedFuture(null);
			}
			InetSocketAddress both = result.other;
			InetSocketAddress portOnly = new InetSocketAddress(server.getAddress(), result.other.getPort());
			return answeredFrom(socket, changeRequest(true, true), server, both).thenCompose((fromOther) -> {
				if (fromOther == Answer.YES) {
					result.filtering = NatBehavior.ENDPOINT_INDEPENDENT;
					notes.add("answer from the other address and port arrived: endpoint-independent filtering");
					return CompletableFuture.completedFuture(null);
				}
				if (fromOther == Answer.WRONG_SOURCE) {
					notes.add("server ignored CHANGE-REQUEST: filtering unknown");
					return CompletableFuture.completedFuture(null);
				}
				return answeredFrom(socket, changeRequest(false, true), server, portOnly).thenAccept((fromPort) -> {
					result.filtering = switch (fromPort) {
						case YES -> NatBehavior.ADDRESS_DEPENDENT;
						case NO -> NatBehavior.ADDRESS_AND_PORT_DEPENDENT;
						case WRONG_SOURCE -> NatBehavior.UNKNOWN;
					};
					notes.add("filtering " + result.filtering.name().toLowerCase().replace('_', '-'));
				});
			});
		});
	}

	private enum Answer { YES, NO, WRONG_SOURCE }

	/** Whether a change request is answered, from the expected source, within the test timeout. */
	private CompletableFuture<Answer> answeredFrom(StunClient socket, StunMessage request, InetSocketAddress server,
			InetSocketAddress expected) {
		return socket.request(request, server, this.testTimeout).handle((response, ex) -> {
			if (ex != null) {
				return Answer.NO;
			}
			return response.isSuccess() && response.source().equals(expected) ? Answer.YES : Answer.WRONG_SOURCE;
		});
	}

	private CompletableFuture<Void> mapping(StunClient socket, InetSocketAddress server, Result result,
			List<String> notes) {
		return mappedBy(socket, server).thenCompose((first) -> {
			if (first == null) {
				notes.add("mapping test got no answer");
				return CompletableFuture.completedFuture(null);
			}
			result.mapped = first;
			result.local = socket.localAddress();
			result.behindNat = !first.equals(result.local);
			if (!result.behindNat) {
				result.mapping = NatBehavior.ENDPOINT_INDEPENDENT;
				notes.add("mapped address equals local " + result.local + ": no NAT");
				return CompletableFuture.completedFuture(null);
			}
			if (result.other == null) {
				return CompletableFuture.completedFuture(null);
			}
			InetSocketAddress otherIp = new InetSocketAddress(result.other.getAddress(), server.getPort());
			return mappedBy(socket, otherIp).thenCompose((second) -> {
				if (second == null) {
					notes.add("no answer from " + otherIp + ": mapping unknown");
					return CompletableFuture.completedFuture(null);
				}
				if (second.equals(first)) {
					result.mapping = NatBehavior.ENDPOINT_INDEPENDENT;
					notes.add("same mapping " + first + " towards both server addresses: endpoint-independent mapping");
					return CompletableFuture.completedFuture(null);
				}
				return mappedBy(socket, result.other).thenAccept((third) -> {
					result.mapping = (third == null) ? NatBehavior.UNKNOWN
							: third.equals(second) ? NatBehavior.ADDRESS_DEPENDENT
									: NatBehavior.ADDRESS_AND_PORT_DEPENDENT;
					notes.add("mappings " + first + ", " + second + ", " + third + ": "
							+ result.mapping.name().toLowerCase().replace('_', '-') + " mapping");
				});
			});
		});
	}

	private CompletableFuture<InetSocketAddress> mappedBy(StunClient socket, InetSocketAddress server) {
		return socket.request(binding(), server, this.testTimeout).handle((response, ex) -> {
			if (ex != null) {
				return null;
			}
			try {
				return response.requireSuccess().mappedAddress().orElse(null);
			}
			catch (StunException failure) {
				return null;
			}
		});
	}

	/** Sends Binding requests to our own mapped address until one arrives on the socket or the test times out. */
	private CompletableFuture<Void> hairpinning(StunClient socket, Result result, List<String> notes) {
		if (result.mapped == null) {
			return CompletableFuture.completedFuture(null);
		}
		StunMessage probe = binding();
		CompletableFuture<Boolean> arrived = new CompletableFuture<>();
		socket.onRequest((request, from) -> {
			if (request.transactionKey().equals(probe.transactionKey())) {
				arrived.complete(true);
			}
		});
		long interval = this.timers.rto().toNanos();
		int sends = (int) Math.max(1, Math.min(10, this.testTimeout.toNanos() / Math.max(1, interval)));
		for (int i = 0; i < sends; i++) {
			socket.eventLoop().schedule(() -> {
				if (!arrived.isDone()) {
					socket.send(probe.toBytes(), result.mapped);
				}
			}, i * interval, TimeUnit.NANOSECONDS);
		}
		socket.eventLoop().schedule(() -> arrived.complete(false), this.testTimeout.toNanos(), TimeUnit.NANOSECONDS);
		return arrived.thenAccept((hairpin) -> {
			result.hairpinning = hairpin;
			notes.add(hairpin ? "hairpinning works" : "no hairpinning");
		});
	}

	/** 100.64.0.0/10, RFC 6598: carrier-grade NAT between us and the server. */
	static boolean isSharedAddressSpace(InetAddress address) {
		byte[] bytes = address.getAddress();
		return bytes.length == 4 && (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64;
	}

	/** What the tests found so far; touched on one event loop at a time, in sequence. */
	private static final class Result {

		volatile boolean answered;

		volatile boolean behindNat;

		volatile InetSocketAddress local;

		volatile InetSocketAddress mapped;

		volatile InetSocketAddress other;

		volatile NatBehavior mapping = NatBehavior.UNKNOWN;

		volatile NatBehavior filtering = NatBehavior.UNKNOWN;

		volatile Boolean hairpinning;

	}

}
