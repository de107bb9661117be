package io.librats.noise;

/**
 * Told once what became of bytes handed to a {@link SealingQueue}: {@code null} when the Noise message carrying
 * their last byte has been written to the socket, else why it never will be. Called on the channel's event loop,
 * except for a refusal, which comes on the offering thread.
 */
@FunctionalInterface
public interface WriteCompletion {

	void written(Throwable failure);

}
