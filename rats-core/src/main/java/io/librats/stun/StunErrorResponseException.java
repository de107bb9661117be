package io.librats.stun;

/** A server answered a request with an error response (RFC 8489 ERROR-CODE). */
public final class StunErrorResponseException extends StunException {

	private static final long serialVersionUID = 1L;

	private final int code;

	public StunErrorResponseException(int code, String reason) {
		super("STUN error " + code + (reason.isEmpty() ? "" : " " + reason));
		this.code = code;
	}

	/** The error code, 300..699. */
	public int code() {
		return this.code;
	}

}
