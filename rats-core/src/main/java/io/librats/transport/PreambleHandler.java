package io.librats.transport;

import java.util.List;

import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseHandshakeHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Sends our preamble as soon as the channel is active, reads the peer's, and replaces itself with the Noise
 * handshake (or, with encryption off, announces a plaintext session straight away).
 */
final class PreambleHandler extends ByteToMessageDecoder {

	private final SessionSettings settings;

	private final Direction direction;

	PreambleHandler(SessionSettings settings, Direction direction) {
		this.settings = settings;
		this.direction = direction;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		ctx.writeAndFlush(Preamble.encode(ctx.alloc(), this.settings.encryption()));
		super.channelActive(ctx);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (in.readableBytes() < Preamble.LENGTH) {
			return;
		}
		Preamble.decode(in, this.settings.encryption());
		if (this.settings.encryption()) {
			byte[] prologue = Preamble.prologue(this.settings.protocolId());
			NoiseHandshake handshake = (this.direction == Direction.OUTBOUND)
					? NoiseHandshake.initiator(this.settings.identity().keyPair(), prologue, this.settings.aead())
					: NoiseHandshake.responder(this.settings.identity().keyPair(), prologue, this.settings.aead());
			ctx.pipeline().replace(this, "noise-handshake", new NoiseHandshakeHandler(handshake));
		}
		else {
			ctx.fireUserEventTriggered(PlaintextSessionEvent.INSTANCE);
			// Removal hands any bytes behind the preamble to the frame decoder, after the event.
			ctx.pipeline().remove(this);
		}
	}

	/** Fired instead of a Noise completion event when the session is unencrypted. */
	enum PlaintextSessionEvent {
		INSTANCE
	}

}
