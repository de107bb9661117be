package io.librats.config;

import java.util.Objects;

/**
 * A TURN relay server with its long-term credentials (RFC 8656).
 *
 * @param url a {@code turn:} or {@code turns:} URI, for example {@code turn:turn.example.com:3478}
 * @param username the long-term credential user name
 * @param password the long-term credential password; never printed by {@link #toString()}
 */
public record TurnServer(String url, String username, String password) {

	public TurnServer {
		Objects.requireNonNull(url, "url");
		if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
			throw new IllegalArgumentException("TURN url '" + url + "' must start with turn: or turns:");
		}
	}

	@Override
	public String toString() {
		return "TurnServer[url=" + this.url + ", username=" + this.username + ", password=******]";
	}

}
