package io.librats.transport;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.librats.identity.PeerIds;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.NoiseHandshakeCompletedEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The rats handshake: once the session is secured, each side sends HELLO; the peer id in the peer's HELLO must be
 * the one its authenticated Noise static key derives. Also owns the handshake deadline, which runs from channel
 * creation, so a peer that stalls in the preamble, in Noise or in HELLO is cut off alike. On success this handler
 * gives its place to {@link PeerSessionHandler} and asks the {@link PeerTable} to admit the peer.
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {

	private final PeerConnection connection;

	private final TransportContext context;

	private ScheduledFuture<?> deadline;

	private boolean secured;

	private boolean encrypted;

	private byte[] remoteStaticKey;

	private Hello localHello;

	HelloHandler(PeerConnection connection) {
		this.connection = connection;
		this.context = connection.context();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		startDeadline(ctx);
		super.channelActive(ctx);
	}

	private void startDeadline(ChannelHandlerContext ctx) {
		this.connection.opened();
		long timeout = this.context.handshakeTimeout().toMillis();
		this.deadline = ctx.executor().schedule(() -> {
			this.context.metrics().increment(RatsMetrics.HANDSHAKE_TIMEOUT);
			this.connection.recordFailure(new HandshakeTimeoutException("handshake did not complete within "
					+ timeout + " ms"));
			ctx.close();
		}, timeout, TimeUnit.MILLISECONDS);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.deadline != null) {
			this.deadline.cancel(false);
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof NoiseHandshakeCompletedEvent noise) {
			this.remoteStaticKey = noise.remoteStaticKey();
			this.encrypted = true;
			this.connection.sealWith(noise.outbound(), noise.cipher());
			secured(ctx);
		}
		else if (event == PreambleHandler.PlaintextSessionEvent.INSTANCE) {
			secured(ctx);
		}
		else {
			super.userEventTriggered(ctx, event);
		}
	}

	private void secured(ChannelHandlerContext ctx) {
		SessionSettings settings = this.context.settings();
		this.secured = true;
		this.localHello = new Hello(Hello.VERSION, settings.protocolId(), settings.identity().peerId(),
				this.context.listenPort(), settings.capabilities(), ThreadLocalRandom.current().nextLong());
		// The dialer speaks first; the acceptor answers with its HELLO only once it has admitted the dialer, so a
		// dialer that receives HELLO knows it was accepted, and one that receives GOODBYE knows why not.
		if (this.connection.direction() == Direction.OUTBOUND) {
			ctx.writeAndFlush(this.localHello.encode(ctx.alloc()));
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (this.connection.hasFailed()) {
				return;
			}
			if (!(msg instanceof Frame frame)) {
				throw new ProtocolException("unexpected " + msg.getClass().getSimpleName() + " before HELLO");
			}
			if (this.secured && frame.type() == FrameType.GOODBYE) {
				rejectedByRemote(ctx, frame);
				return;
			}
			if (!this.secured || frame.type() != FrameType.HELLO) {
				throw new ProtocolException("expected HELLO, got " + FrameType.name(frame.type()));
			}
			accept(ctx, Hello.decode(frame.content()));
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	private void accept(ChannelHandlerContext ctx, Hello remote) {
		SessionSettings settings = this.context.settings();
		if (this.encrypted) {
			String proven = PeerIds.fromPublicKey(this.remoteStaticKey);
			if (!proven.equals(remote.peerId())) {
				this.context.metrics().increment(RatsMetrics.IDENTITY_MISMATCH);
				throw new IdentityMismatchException("peer claims id " + remote.peerId()
						+ " but its authenticated static key derives " + proven);
			}
			Arrays.fill(this.remoteStaticKey, (byte) 0);
		}
		this.connection.handshakeCompleted(remote.peerId(), this.localHello, remote, this.encrypted);
		ctx.pipeline().replace(this, "session", new PeerSessionHandler(this.connection));
		if (!settings.protocolId().equals(remote.protocolId())) {
			this.context.metrics().increment(RatsMetrics.INCOMPATIBLE_PEERS);
			IncompatiblePeerException ex = new IncompatiblePeerException("peer speaks application protocol '"
					+ remote.protocolId() + "', this node '" + settings.protocolId() + "'");
			this.connection.recordFailure(ex);
			this.connection.close(GoodbyeReason.INCOMPATIBLE, ex.getMessage());
			return;
		}
		this.context.peerTable().admit(this.connection, () -> {
			if (this.connection.direction() == Direction.INBOUND) {
				ctx.writeAndFlush(this.localHello.encode(ctx.alloc()));
			}
		});
	}

	private void rejectedByRemote(ChannelHandlerContext ctx, Frame frame) {
		GoodbyeReason reason = Goodbye.reason(frame.content());
		String detail = Goodbye.text(frame.content());
		this.connection.goodbyeReceived(reason);
		if (reason == GoodbyeReason.DUPLICATE && this.encrypted) {
			// We lost a simultaneous connect: the peer kept the other connection, which is being admitted now.
			this.connection.resolveTo(this.context.peerTable().awaitPeer(PeerIds.fromPublicKey(this.remoteStaticKey),
					this.context.handshakeTimeout()));
		}
		else {
			this.connection.recordFailure(new ConnectionRejectedException(reason, true, detail));
		}
		ctx.close();
	}

}
