package io.librats.noise;

import io.netty.buffer.ByteBuf;

/**
 * The outbound side of an encrypted connection as any thread may use it: frames offered here are encrypted into Noise
 * transport messages in offer order, which is also the order of their nonces and of the bytes on the wire. A thread
 * that offers enough bytes for a full batch encrypts that batch itself, so senders share the cipher work instead of
 * leaving all of it to the connection's one event loop; the rest is encrypted when the channel is flushed.
 * Thread-safe.
 */
public interface SealingQueue {

	/**
	 * Takes ownership of one frame (or any plaintext) and queues it behind everything offered or written before.
	 * Once the queue is closed the frame is released and {@code completion} is failed at once.
	 * @param frame the plaintext bytes
	 * @param completion told when the frame has reached the socket, or why it will not
	 * @return {@code true} if nothing was waiting for a flush before this offer: the caller must then make sure the
	 * channel is flushed on its event loop; later offers ride on that flush
	 */
	boolean offer(ByteBuf frame, WriteCompletion completion);

	/** Fails and releases everything queued and refuses later offers; used when no flush can come any more. */
	void discard(Throwable cause);

}
