package io.librats.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one connected peer and its traffic.
 *
 * @param peerId the peer's id, proven by the Noise handshake when encryption is on
 * @param address remote socket address of the connection
 * @param listenPort the port the peer accepts connections on, 0 if none
 * @param direction who dialed
 * @param encrypted whether the session is Noise-encrypted
 * @param cipher the session's Noise cipher, {@code "ChaChaPoly"} or {@code "AESGCM"}; {@code null} when unencrypted
 * @param connectedSince when the rats handshake completed
 * @param bytesIn bytes received on the wire
 * @param bytesOut bytes sent on the wire
 * @param messagesIn application messages received
 * @param messagesOut application messages sent
 * @param lastSeen when anything was last received
 * @param rtt last round-trip time measured by ping, or {@code null} before the first pong
 * @param handshakeDuration time from the connection being open to the rats handshake completing, or {@code null}
 * while it runs
 * @param path what carries the connection: {@code "direct"} (the node's own TCP dialer or listener) or
 * {@code "turn"} (a TURN relayed TCP connection, RFC 6062); {@code address} is then the relay server's
 */
public record PeerInfo(String peerId, InetSocketAddress address, int listenPort, Direction direction,
		boolean encrypted, String cipher, Instant connectedSince, long bytesIn, long bytesOut, long messagesIn, long messagesOut,
		Instant lastSeen, Duration rtt, Duration handshakeDuration, String path) {
}
