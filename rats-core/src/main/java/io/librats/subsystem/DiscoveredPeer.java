package io.librats.subsystem;

import java.time.Instant;

/**
 * A peer some discovery mechanism found.
 *
 * @param source the mechanism: {@code "dht"}, {@code "mdns"}, ...
 * @param peerId the peer's id if the mechanism tells it, otherwise {@code null} (learned on connection)
 * @param host address to dial
 * @param port TCP port to dial
 * @param seenAt when it was found
 */
public record DiscoveredPeer(String source, String peerId, String host, int port, Instant seenAt) {
}
