package io.librats.transport;

import java.util.List;
import java.util.concurrent.Executor;

import io.librats.noise.EphemeralKeyPool;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseHandshake;
import io.librats.noise.NoiseHandshakeHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Sends our preamble as soon as the channel is active, reads the peer's, and gives way to the Noise handshake (or,
 * with encryption off, announces a plaintext session straight away). A dialer with encryption on sends Noise
 * message 1 right behind its preamble, in the same flush, instead of waiting for the acceptor's preamble: the bytes
 * on the wire are the same, and the acceptor, which can answer only once it has both, gets them half a round trip
 * sooner. The acceptor's preamble is still checked before anything from it reaches the handshake.
 */
final class PreambleHandler extends ByteToMessageDecoder {

	private static final String HANDSHAKE_NAME = "noise-handshake";

	private final SessionSettings settings;

	private final Direction direction;

	private final EphemeralKeyPool ephemeralKeys;

	private final Executor dhHelper;

	PreambleHandler(SessionSettings settings, Direction direction, EphemeralKeyPool ephemeralKeys, Executor dhHelper) {
		this.settings = settings;
		this.direction = direction;
		this.ephemeralKeys = ephemeralKeys;
		this.dhHelper = dhHelper;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		ctx.write(Preamble.encode(ctx.alloc(), this.settings.encryption(), this.settings.offerAesGcm()));
		if (this.settings.encryption() && this.direction == Direction.OUTBOUND) {
			// Added to an active channel, the handshake handler writes message 1 and flushes it with the preamble.
			ctx.pipeline().addAfter(ctx.name(), HANDSHAKE_NAME, new NoiseHandshakeHandler(newHandshake()));
		}
		else {
			ctx.flush();
		}
		super.channelActive(ctx);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (in.readableBytes() < Preamble.LENGTH) {
			return;
		}
		int peerFlags = Preamble.decode(in, this.settings.encryption());
		NoiseCipher cipher = Preamble.cipher(this.settings.offerAesGcm(), peerFlags);
		if (this.settings.encryption() && this.direction == Direction.OUTBOUND) {
			// The handshake is already running behind us, message 1 sent: it changes cipher before message 2, which
			// removal hands it with any other bytes behind the preamble.
			((NoiseHandshakeHandler) ctx.pipeline().get(HANDSHAKE_NAME)).useCipher(cipher);
			ctx.pipeline().remove(this);
		}
		else if (this.settings.encryption()) {
			NoiseHandshake handshake = newHandshake();
			handshake.useCipher(cipher);
			ctx.pipeline().replace(this, HANDSHAKE_NAME, new NoiseHandshakeHandler(handshake));
		}
		else {
			ctx.fireUserEventTriggered(PlaintextSessionEvent.INSTANCE);
			// Removal hands any bytes behind the preamble to the frame decoder, after the event.
			ctx.pipeline().remove(this);
		}
	}

	private NoiseHandshake newHandshake() {
		byte[] prologue = Preamble.prologue(this.settings.protocolId());
		return (this.direction == Direction.OUTBOUND)
				? NoiseHandshake.initiator(this.settings.identity().keyPair(), prologue, this.settings.aead(),
						this.ephemeralKeys, this.dhHelper)
				: NoiseHandshake.responder(this.settings.identity().keyPair(), prologue, this.settings.aead(),
						this.ephemeralKeys, this.dhHelper);
	}

	/** Fired instead of a Noise completion event when the session is unencrypted. */
	enum PlaintextSessionEvent {
		INSTANCE
	}

}
