package io.librats.stun;

import java.net.InetSocketAddress;

/**
 * A response matched to a request, with where it came from.
 *
 * @param message the response, success or error
 * @param source the address it came from (over UDP, possibly not the one the request went to: RFC 5780)
 * @param local the local address it arrived on
 */
public record StunResponse(StunMessage message, InetSocketAddress source, InetSocketAddress local) {

	/** Whether this is a success response. */
	public boolean isSuccess() {
		return this.message.messageClass() == StunClass.SUCCESS_RESPONSE;
	}

	/** The message if it is a success response; otherwise the error as an exception. */
	public StunMessage requireSuccess() throws StunException {
		if (isSuccess()) {
			return this.message;
		}
		throw this.message.error().orElseGet(() -> new StunErrorResponseException(0, "error response without ERROR-CODE"));
	}

}
