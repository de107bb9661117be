package io.librats.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.librats.config.NatTraversalConfig;
import io.librats.subsystem.RatsSubsystem;
import io.librats.subsystem.SubsystemContext;

/**
 * The {@code "nat"} subsystem: STUN public address discovery, RFC 5780 NAT behaviour discovery and a TURN relay
 * listener, offered to the node as a {@link NatService} (and an {@link ExternalAddressService}). Attached by
 * {@link io.librats.RatsClient} at start when {@link NatTraversalConfig} names STUN or TURN servers, or by the
 * application before that.
 */
public final class NatTraversal implements RatsSubsystem {

	/** The subsystem's name, also the prefix of its metrics. */
	public static final String NAME = "nat";

	private final NatTraversalConfig config;

	public NatTraversal(NatTraversalConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void start(SubsystemContext context) {
		context.services().register(NatService.class, new Service());
	}

	@Override
	public void stop() {
	}

	private final class Service implements NatService {

		@Override
		public Optional<InetAddress> externalAddress() {
			return Optional.empty();
		}

		@Override
		public CompletableFuture<InetSocketAddress> discoverPublicAddress() {
			return CompletableFuture.failedFuture(new UnsupportedOperationException("not yet"));
		}

		@Override
		public CompletableFuture<NatTypeInfo> natCharacteristics() {
			return CompletableFuture.failedFuture(new UnsupportedOperationException("not yet"));
		}

		@Override
		public Optional<NatTypeInfo> lastNatCharacteristics() {
			return Optional.empty();
		}

		@Override
		public Optional<InetSocketAddress> publicAddress() {
			return Optional.empty();
		}

		@Override
		public Optional<InetSocketAddress> relayedAddress() {
			return Optional.empty();
		}

		@Override
		public boolean isOwnAddress(InetSocketAddress address) {
			return false;
		}

		@Override
		public CompletableFuture<String> connectViaRelay(InetSocketAddress peer) {
			return CompletableFuture.failedFuture(new UnsupportedOperationException("not yet"));
		}

	}

}
