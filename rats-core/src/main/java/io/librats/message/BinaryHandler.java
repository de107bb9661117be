package io.librats.message;

/** Handles binary messages. */
@FunctionalInterface
public interface BinaryHandler {

	void onBinary(String peerId, byte[] data) throws Exception;

}
