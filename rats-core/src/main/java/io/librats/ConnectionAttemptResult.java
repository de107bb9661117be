package io.librats;

import java.time.Duration;
import java.util.List;

import io.librats.nat.NatType;

/**
 * The outcome of one {@code connectToPeer} call: librats' "advanced connection callback" data.
 *
 * @param success whether a peer was connected
 * @param peerId the connected peer's id, or {@code null} on failure
 * @param host the host that was dialed
 * @param port the port that was dialed
 * @param method the strategy that produced the result
 * @param duration time from the call to the outcome
 * @param error why it failed, or {@code null}
 * @param localNatType our NAT type, {@link NatType#UNKNOWN} until NAT detection exists
 * @param remoteNatType the peer's NAT type, likewise
 * @param candidates the addresses tried
 */
public record ConnectionAttemptResult(boolean success, String peerId, String host, int port, ConnectionStrategy method,
		Duration duration, String error, NatType localNatType, NatType remoteNatType, List<String> candidates) {

	static ConnectionAttemptResult succeeded(String peerId, String host, int port, ConnectionStrategy method,
			Duration duration) {
		return new ConnectionAttemptResult(true, peerId, host, port, method, duration, null, NatType.UNKNOWN,
				NatType.UNKNOWN, List.of(host + ":" + port));
	}

	static ConnectionAttemptResult failed(String host, int port, ConnectionStrategy method, Duration duration,
			String error) {
		return new ConnectionAttemptResult(false, null, host, port, method, duration, error, NatType.UNKNOWN,
				NatType.UNKNOWN, List.of(host + ":" + port));
	}

}
