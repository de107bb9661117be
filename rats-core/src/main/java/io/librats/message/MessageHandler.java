package io.librats.message;

/** Handles JSON messages of one type. Exceptions are logged and counted; they never affect the connection. */
@FunctionalInterface
public interface MessageHandler {

	void onMessage(IncomingMessage message) throws Exception;

}
