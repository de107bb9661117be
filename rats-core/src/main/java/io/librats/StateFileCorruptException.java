package io.librats;

import java.nio.file.Path;
import java.util.Objects;

/** A file in a node's state directory exists but cannot be used; {@link #file()} says which. */
public class StateFileCorruptException extends RatsException {

	private static final long serialVersionUID = 1L;

	private final transient Path file;

	public StateFileCorruptException(Path file, String message, Throwable cause) {
		super(message, cause);
		this.file = Objects.requireNonNull(file, "file");
	}

	/** The unusable file. */
	public Path file() {
		return this.file;
	}

}
