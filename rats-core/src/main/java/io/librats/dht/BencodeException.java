package io.librats.dht;

/**
 * Input that is not canonical bencode (BEP 3): the message says what is wrong and at which byte offset. The only
 * exception {@link Bencode#decode(byte[])} throws for any input.
 */
public final class BencodeException extends Exception {

	private static final long serialVersionUID = 1L;

	BencodeException(String message, int offset) {
		super(message + " at offset " + offset);
	}

}
