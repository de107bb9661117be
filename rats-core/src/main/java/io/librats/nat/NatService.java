package io.librats.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The NAT traversal subsystem as the rest of the node sees it: public address discovery (STUN), NAT behaviour
 * discovery (RFC 5780) and the TURN relay. {@link NatTraversal} registers one in the node's
 * {@link io.librats.subsystem.ServiceRegistry} while it runs.
 *
 * <p>Futures complete on the subsystem's own event loop: continuations that block must use the {@code ...Async}
 * variants.
 */
public interface NatService extends ExternalAddressService {

	/**
	 * Asks the configured STUN servers (then TURN servers) for our public address with a Binding request over UDP, and
	 * remembers it as one of our own, so that {@code connectToPeer} never dials this node through it. Fails when no
	 * server answers.
	 */
	CompletableFuture<InetSocketAddress> discoverPublicAddress();

	/** The NAT type, from the cached characteristics while fresh, otherwise measured again. */
	default CompletableFuture<NatType> detectNatType() {
		return natCharacteristics().thenApply(NatTypeInfo::natType);
	}

	/**
	 * RFC 5780 behaviour discovery against the first STUN server (mapping, filtering, hairpinning). Cached for
	 * {@code natDetectionTtl}, and measured again when the local addresses change. Concurrent callers share one
	 * measurement.
	 */
	CompletableFuture<NatTypeInfo> natCharacteristics();

	/** The last measurement, if any, without starting one. */
	Optional<NatTypeInfo> lastNatCharacteristics();

	/** The public address last learned by STUN, if any. */
	Optional<InetSocketAddress> publicAddress();

	/**
	 * The relayed transport address of the node's TURN TCP allocation (RFC 6062): an extra public listening address
	 * that peers dial like any TCP peer, once permitted. The TURN server lets in only peers whose IP holds a permission
	 * (RFC 8656 section 9): the server's own addresses are permitted, so peers relayed by the same server get in;
	 * any other peer's public IP needs {@link #permitRelayedPeer}. Empty without TURN servers, with
	 * {@code enableTurnRelay} off, or while the allocation is being (re)made.
	 */
	Optional<InetSocketAddress> relayedAddress();

	/**
	 * Lets peers from {@code address} (their public IP, any port) connect to our relayed address. The permission is
	 * kept refreshed and is installed again on every new allocation. Completes once the TURN server has it, or at once
	 * while there is no allocation (it is installed with the next one); fails when the node has no TURN relay or holds
	 * too many permissions already.
	 */
	CompletableFuture<Void> permitRelayedPeer(InetAddress address);

	/**
	 * Whether dialing {@code address} would reach this node itself: one of its public addresses with its listen port,
	 * or its relayed address.
	 */
	boolean isOwnAddress(InetSocketAddress address);

	/**
	 * Opens a rats session to {@code peer} through our own TURN TCP allocation (RFC 6062 Connect, then ConnectionBind
	 * on a new connection to the server), running the unchanged rats pipeline on it. Completes with the peer id once
	 * the peer is admitted; fails when no allocation is available or the relay cannot reach the peer.
	 */
	CompletableFuture<String> connectViaRelay(InetSocketAddress peer);

}
