package io.librats.transport;

/**
 * A send was refused because the peer's outbound buffer is full: the peer reads slower than we write. Wait for
 * {@code isWritable(peerId)} or the writability callback before sending more.
 */
public class OutboundBufferFullException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public OutboundBufferFullException(String message) {
		super(message);
	}

}
