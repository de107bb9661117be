package io.librats.transport;

import java.util.concurrent.CompletableFuture;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;

/**
 * Rats sessions over byte streams that something other than the node's own dialer and listener opens: a TURN relayed
 * TCP connection (RFC 6062) today, an ICE-established stream later. The session itself (preamble, Noise, HELLO,
 * frames, admission) is exactly the one of a direct connection; only {@link PeerInfo#path()} tells them apart.
 */
public interface StreamSessions {

	/** {@link PeerInfo#path()} of connections made by the node's own dialer and listener. */
	String DIRECT = "direct";

	/**
	 * A bootstrap on the node's event loops and socket channel type with the node's socket options and no handler;
	 * fails with {@link UnsupportedOperationException} on a binding without sockets (in-memory tests).
	 */
	Bootstrap bootstrap();

	/**
	 * Appends the rats pipeline to {@code channel}'s pipeline and makes the channel one of the node's. The handlers
	 * already in the pipeline own the path: they hold back {@code channelActive} until the stream carries the peer's
	 * bytes, then fire it and remove themselves; the rats handshake starts then. Call on the channel's event loop,
	 * before that. Completes with the admitted connection, or fails like a dial.
	 *
	 * @param path what carries the stream, for {@link PeerInfo#path()}, for example {@code "turn"}
	 */
	CompletableFuture<PeerConnection> startSession(Channel channel, Direction direction, String path);

}
