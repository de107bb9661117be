package io.librats.transport;

/** Why a connection was closed, as sent in a GOODBYE frame (see {@code docs/protocol.md}). */
public enum GoodbyeReason {

	NORMAL(0, "closed"),
	DUPLICATE(1, "duplicate connection"),
	SELF(2, "connection to self"),
	PEER_LIMIT(3, "peer limit reached"),
	PROTOCOL_ERROR(4, "protocol error"),
	TIMEOUT(5, "timed out"),
	INCOMPATIBLE(6, "incompatible protocol"),
	SHUTDOWN(7, "node shutting down");

	private final int code;

	private final String description;

	GoodbyeReason(int code, String description) {
		this.code = code;
		this.description = description;
	}

	public int code() {
		return this.code;
	}

	public String description() {
		return this.description;
	}

	static GoodbyeReason fromCode(int code) {
		for (GoodbyeReason reason : values()) {
			if (reason.code == code) {
				return reason;
			}
		}
		return PROTOCOL_ERROR;
	}

}
