package io.librats.spring.messaging;

import io.librats.message.IncomingMessage;

/**
 * Told when a {@link io.librats.spring.messaging.annotation.RatsListener} method fails, named on the annotation by
 * its bean name. Runs on the thread the listener ran on, or the one its returned future failed on.
 */
@FunctionalInterface
public interface RatsListenerErrorHandler {

	/**
	 * Handles a listener failure: a thrown exception, a payload that could not be converted or failed validation, or
	 * a returned future that failed. The failure has already been logged and counted.
	 * @param message the message the listener received (its payload may hold secrets: do not log it blindly)
	 * @param exception the failure, with the listener id, message type and peer; its cause is the original exception
	 * @return the value to answer the message with (as for a listener's return value), or {@code null} to answer a
	 * request with an error reply
	 * @throws Exception to answer a request with an error reply; it is logged and not counted again
	 */
	Object handleError(IncomingMessage message, ListenerExecutionFailedException exception) throws Exception;

}
