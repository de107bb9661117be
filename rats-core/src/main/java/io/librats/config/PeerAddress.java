package io.librats.config;

import java.util.Objects;

/**
 * A host and TCP port of a peer, as written in configuration: {@code host:port}, or {@code [v6-address]:port}.
 *
 * @param host a host name or literal address, without brackets
 * @param port a port in 1..65535
 */
public record PeerAddress(String host, int port) {

	public PeerAddress {
		Objects.requireNonNull(host, "host");
		if (host.isBlank()) {
			throw new IllegalArgumentException("host must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port " + port + " is outside 1..65535");
		}
	}

	/**
	 * Parses {@code host:port}, {@code [::1]:port} or an unbracketed IPv6 literal followed by {@code :port}.
	 * @throws IllegalArgumentException naming the text when it is not of that form
	 */
	public static PeerAddress parse(String text) {
		Objects.requireNonNull(text, "text");
		String value = text.trim();
		try {
			if (value.startsWith("[")) {
				int close = value.indexOf(']');
				if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
					throw new IllegalArgumentException("expected [address]:port");
				}
				return new PeerAddress(value.substring(1, close), Integer.parseInt(value.substring(close + 2)));
			}
			int colon = value.lastIndexOf(':');
			if (colon <= 0 || colon == value.length() - 1) {
				throw new IllegalArgumentException("expected host:port");
			}
			return new PeerAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a valid host:port (" + ex.getMessage() + ")", ex);
		}
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
