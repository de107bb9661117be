package io.librats;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls user listeners one by one; one that throws is logged and does not keep the others from hearing. */
final class Listeners {

	private static final Logger logger = LoggerFactory.getLogger(Listeners.class);

	private Listeners() {
	}

	static <T> void notifyEach(Iterable<T> listeners, Consumer<T> call, String kind) {
		for (T listener : listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.error("A {} listener failed", kind, ex);
			}
		}
	}

}
