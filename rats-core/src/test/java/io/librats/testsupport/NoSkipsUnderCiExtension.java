package io.librats.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Under {@code CI=true} an aborted (assumption-skipped) test is a failure: a skip must never hide a missing install
 * step. Locally, skips stay skips.
 */
public class NoSkipsUnderCiExtension implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

	static boolean underCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	private static void check(Throwable throwable) throws Throwable {
		if (underCi() && throwable instanceof TestAbortedException) {
			throw new AssertionError("Test skipped under CI=true (" + throwable.getMessage()
					+ "): install what it needs in .ci/run instead", throwable);
		}
		throw throwable;
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		check(throwable);
	}

	@Override
	public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		check(throwable);
	}

	@Override
	public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		check(throwable);
	}

}
