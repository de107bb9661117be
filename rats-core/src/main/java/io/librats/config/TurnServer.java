package io.librats.config;

import java.util.Objects;

/**
 * A TURN relay server with its long-term credentials (RFC 8656).
 *
 * @param url a {@code turn:} URI (RFC 7065), for example {@code turn:turn.example.com:3478} or
 * {@code turn:[::1]:3478}; the default port is 3478 and a {@code ?transport=} suffix is ignored (rats uses UDP for
 * datagram allocations and TCP for relayed sessions). {@code turns:} (TLS) is accepted here but not supported by the
 * client yet.
 * @param username the long-term credential user name
 * @param password the long-term credential password; never printed by {@link #toString()}
 */
public record TurnServer(String url, String username, String password) {

	/** The IANA port of STUN and TURN over UDP and TCP. */
	public static final int DEFAULT_PORT = 3478;

	public TurnServer {
		Objects.requireNonNull(url, "url");
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(password, "password");
		if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
			throw new IllegalArgumentException("TURN url '" + url + "' must start with turn: or turns:");
		}
		address(url);
	}

	/** Whether the URL asks for TLS ({@code turns:}). */
	public boolean secure() {
		return this.url.startsWith("turns:");
	}

	/** The server's host and port from the URL. */
	public PeerAddress address() {
		return address(this.url);
	}

	private static PeerAddress address(String url) {
		String rest = url.substring(url.indexOf(':') + 1);
		int query = rest.indexOf('?');
		if (query >= 0) {
			rest = rest.substring(0, query);
		}
		boolean hasPort = rest.startsWith("[") ? rest.indexOf("]:") > 0
				: rest.indexOf(':') > 0 && rest.indexOf(':') == rest.lastIndexOf(':');
		try {
			if (hasPort) {
				return PeerAddress.parse(rest);
			}
			String host = (rest.startsWith("[") && rest.endsWith("]")) ? rest.substring(1, rest.length() - 1) : rest;
			return new PeerAddress(host, DEFAULT_PORT);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("TURN url '" + url + "' has no valid host[:port]: " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public String toString() {
		return "TurnServer[url=" + this.url + ", username=" + this.username + ", password=******]";
	}

}
