package io.librats.transport;

import io.netty.buffer.ByteBuf;

/**
 * Receives application frames on the connection's event loop. Implementations must finish with the body before
 * returning (copy it if they need it later); the transport releases it afterwards.
 */
public interface InboundFrameHandler {

	/** A MESSAGE frame. */
	void onMessage(PeerConnection connection, ByteBuf body);

	/** A BINARY frame. */
	void onBinary(PeerConnection connection, ByteBuf body);

}
