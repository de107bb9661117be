package io.librats.spring.autoconfigure;

import io.librats.RatsException;
import io.librats.StateFileCorruptException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a rats node that cannot start into a startup report that says what to change. */
class RatsFailureAnalyzer extends AbstractFailureAnalyzer<RatsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RatsException cause) {
		if (cause instanceof StateFileCorruptException corrupt) {
			return new FailureAnalysis("The rats node's state file " + corrupt.file() + " is unusable: "
					+ cause.getMessage(),
					"Restore or delete " + corrupt.file() + ", or set rats.state.reset-on-corrupt=true to move it aside "
							+ "and start fresh (a corrupt identity then means a new peer id).",
					cause);
		}
		return new FailureAnalysis("The rats node could not start: " + cause.getMessage(),
				"If the port is in use, set rats.port to a free port (0 picks one); if the state directory is in use, "
						+ "give this application its own rats.state-dir; or set rats.fail-fast=false to start without "
						+ "the node and report it DOWN in the rats health indicator.",
				cause);
	}

}
