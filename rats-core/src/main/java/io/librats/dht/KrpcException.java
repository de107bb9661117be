package io.librats.dht;

/**
 * A KRPC message that is valid bencode but not a valid message. Carries the KRPC error code to answer with
 * (203 protocol error, 204 method unknown) and the transaction id when one could be read, so a query can be
 * answered with an error; messages without a transaction id are dropped.
 */
final class KrpcException extends Exception {

	private static final long serialVersionUID = 1L;

	private final int code;

	private final transient byte[] transactionId;

	KrpcException(int code, String message, byte[] transactionId) {
		super(message);
		this.code = code;
		this.transactionId = transactionId;
	}

	int code() {
		return this.code;
	}

	/** The transaction id of the offending query, or {@code null} if it is not a query with a usable id. */
	byte[] transactionId() {
		return this.transactionId;
	}

}
