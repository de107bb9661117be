package io.librats.turn;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.stun.StunErrorResponseException;
import io.librats.stun.StunException;
import io.librats.stun.StunMessage;
import io.librats.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * First handler of an RFC 6062 data connection to a TURN server: binds the connection to a peer connection with a
 * signed ConnectionBind request, retried once on a stale nonce. Until the server accepts, the handlers behind it do not
 * see {@code channelActive}; then it fires {@code channelActive}, removes itself and hands any bytes already received
 * from the peer to the next handler, so the stream behind it is exactly the peer's.
 */
public final class ConnectionBindHandler extends ByteToMessageDecoder {

	private static final int MAX_SENDS = 3;

	private final TurnClient turn;

	private final long connectionId;

	private final Duration timeout;

	private final CompletableFuture<Void> bound;

	private StunMessage request;

	private int sends;

	private ScheduledFuture<?> timer;

	/**
	 * @param bound completed when the server accepted the binding; failed (and the channel closed) when it did not
	 */
	public ConnectionBindHandler(TurnClient turn, long connectionId, Duration timeout, CompletableFuture<Void> bound) {
		this.turn = turn;
		this.connectionId = connectionId;
		this.timeout = timeout;
		this.bound = bound;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.timer = ctx.executor().schedule(() -> fail(ctx, new StunException("ConnectionBind got no answer within "
				+ this.timeout.toMillis() + " ms")), this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		sendRequest(ctx);
		// channelActive is held back: the session behind us starts once the stream is the peer's.
	}

	private void sendRequest(ChannelHandlerContext ctx) {
		this.request = this.turn.connectionBindRequest(this.connectionId);
		this.sends++;
		ctx.writeAndFlush(Unpooled.wrappedBuffer(this.request.toBytes()));
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.bound.isDone() || in.readableBytes() < StunMessage.HEADER_LENGTH) {
			return;
		}
		int length = StunMessage.HEADER_LENGTH + in.getUnsignedShort(in.readerIndex() + 2);
		if ((in.getUnsignedByte(in.readerIndex()) & 0xC0) != 0) {
			fail(ctx, new StunException("TURN server sent something other than STUN before ConnectionBind completed"));
			return;
		}
		if (in.readableBytes() < length) {
			return;
		}
		byte[] bytes = new byte[length];
		in.readBytes(bytes);
		try {
			StunMessage response = StunMessage.decode(bytes).requireKnownAttributes();
			if (response.method() != StunMethod.CONNECTION_BIND
					|| !Arrays.equals(response.transactionId(), this.request.transactionId())) {
				throw new StunException("unexpected " + response + " while binding a TURN data connection");
			}
			switch (response.messageClass()) {
				case SUCCESS_RESPONSE -> {
					this.turn.verify(response);
					this.timer.cancel(false);
					this.bound.complete(null);
					ctx.fireChannelActive();
					ctx.pipeline().remove(this);
				}
				case ERROR_RESPONSE -> {
					StunErrorResponseException error = response.error()
						.orElseGet(() -> new StunErrorResponseException(0, "without ERROR-CODE"));
					if ((error.code() == 438 || error.code() == 401) && this.sends < MAX_SENDS
							&& this.turn.updateNonce(response)) {
						sendRequest(ctx);
					}
					else {
						throw new StunException("ConnectionBind refused: " + error.getMessage());
					}
				}
				default -> throw new StunException("unexpected " + response);
			}
		}
		catch (StunException ex) {
			fail(ctx, ex);
		}
	}

	private void fail(ChannelHandlerContext ctx, StunException cause) {
		if (this.bound.completeExceptionally(cause)) {
			ctx.close();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.bound.completeExceptionally(new StunException("TURN data connection closed before ConnectionBind completed"));
		super.channelInactive(ctx);
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
	}

}
