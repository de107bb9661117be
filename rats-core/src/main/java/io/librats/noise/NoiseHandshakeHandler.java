package io.librats.noise;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Runs a Noise XX handshake over any byte channel. Handshake messages travel with a 2-byte big-endian length
 * prefix. When the handshake completes, this handler replaces itself with {@link NoiseDecryptHandler} and
 * {@link NoiseEncryptHandler}, hands them any bytes that arrived behind the last handshake message, and fires a
 * {@link NoiseHandshakeCompletedEvent}. Handshake payloads are empty: the rats handshake follows, encrypted.
 */
public final class NoiseHandshakeHandler extends ByteToMessageDecoder {

	/** Pipeline name of the decrypting handler installed after the handshake. */
	public static final String DECRYPT_NAME = "noise-decrypt";

	/** Pipeline name of the encrypting handler installed after the handshake. */
	public static final String ENCRYPT_NAME = "noise-encrypt";

	private static final byte[] EMPTY = new byte[0];

	private final NoiseHandshake handshake;

	private final long rekeyInterval;

	private boolean started;

	public NoiseHandshakeHandler(NoiseHandshake handshake) {
		this(handshake, NoiseDecryptHandler.REKEY_INTERVAL);
	}

	NoiseHandshakeHandler(NoiseHandshake handshake, long rekeyInterval) {
		this.handshake = handshake;
		this.rekeyInterval = rekeyInterval;
	}

	/**
	 * Switches the handshake to the cipher both preambles agreed on; only before the peer's first handshake message
	 * (see {@link NoiseHandshake#useCipher}).
	 */
	public void useCipher(NoiseCipher cipher) {
		this.handshake.useCipher(cipher);
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		if (ctx.channel().isActive()) {
			start(ctx);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		start(ctx);
		super.channelActive(ctx);
	}

	private void start(ChannelHandlerContext ctx) throws NoiseException {
		if (!this.started) {
			this.started = true;
			if (this.handshake.isWriteTurn()) {
				send(ctx);
			}
		}
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
		if (this.handshake.isComplete() || in.readableBytes() < 2) {
			return;
		}
		int length = in.getUnsignedShort(in.readerIndex());
		if (in.readableBytes() < 2 + length) {
			return;
		}
		in.skipBytes(2);
		byte[] message = ByteBufUtil.getBytes(in, in.readerIndex(), length);
		in.skipBytes(length);
		if (this.handshake.isWriteTurn()) {
			throw new NoiseException("unexpected handshake message: it is our turn to write");
		}
		if (this.handshake.readMessage(message).length != 0) {
			throw new NoiseException("unexpected handshake payload: rats handshake payloads are empty");
		}
		if (this.handshake.isComplete()) {
			complete(ctx);
		}
		else if (this.handshake.isWriteTurn()) {
			send(ctx);
		}
	}

	private void send(ChannelHandlerContext ctx) throws NoiseException {
		byte[] message = this.handshake.writeMessage(EMPTY);
		ByteBuf buf = ctx.alloc().buffer(2 + message.length);
		buf.writeShort(message.length).writeBytes(message);
		if (this.handshake.isComplete()) {
			// The initiator's last message: whatever the completion event makes the next handlers write (the
			// dialer's first encrypted frame) leaves in the same flush, so the responder gets both in one read.
			ctx.write(buf);
			complete(ctx);
			// From the tail: this handler has just left the pipeline.
			ctx.channel().flush();
		}
		else {
			ctx.writeAndFlush(buf);
		}
	}

	private void complete(ChannelHandlerContext ctx) {
		NoiseTransport transport = this.handshake.split();
		NoiseEncryptHandler encrypt = new NoiseEncryptHandler(transport.sender(), this.rekeyInterval);
		NoiseHandshakeCompletedEvent event = new NoiseHandshakeCompletedEvent(this.handshake.remoteStaticKey(),
				this.handshake.handshakeHash(), this.handshake.cipher(), encrypt);
		this.handshake.destroy();
		ctx.pipeline().addAfter(ctx.name(), ENCRYPT_NAME, encrypt);
		// Replacing (not removing then adding) makes ByteToMessageDecoder hand its leftover bytes to the successor.
		ctx.pipeline().replace(this, DECRYPT_NAME, new NoiseDecryptHandler(transport.receiver(), this.rekeyInterval));
		ctx.pipeline().context(DECRYPT_NAME).fireUserEventTriggered(event);
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		if (!this.handshake.isComplete()) {
			this.handshake.destroy();
		}
	}

}
