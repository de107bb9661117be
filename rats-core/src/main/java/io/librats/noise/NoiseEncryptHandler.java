package io.librats.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.CoalescingBufferQueue;

/**
 * Encrypts outbound bytes into Noise transport messages. Writes are queued and encrypted at flush time, so the
 * frames written in one event-loop turn share as few Noise messages as possible (each at most 65,535 bytes on the
 * wire); a write's promise completes when the message carrying its last byte is written.
 */
final class NoiseEncryptHandler extends ChannelOutboundHandlerAdapter {

	private static final int MAX_PLAINTEXT = NoiseDecryptHandler.MAX_MESSAGE - NoiseDecryptHandler.TAG_LENGTH;

	private final CipherState cipher;

	private final long rekeyInterval;

	private CoalescingBufferQueue pending;

	NoiseEncryptHandler(CipherState cipher, long rekeyInterval) {
		this.cipher = cipher;
		this.rekeyInterval = rekeyInterval;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.pending = new CoalescingBufferQueue(ctx.channel(), 16);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof ByteBuf buf)) {
			ReferenceCountUtil.release(msg);
			promise.setFailure(new EncoderException("Noise transport carries bytes only, got " + msg.getClass()));
			return;
		}
		this.pending.add(buf, promise);
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		try {
			while (!this.pending.isEmpty()) {
				ChannelPromise promise = ctx.newPromise();
				ByteBuf plain = this.pending.remove(ctx.alloc(), Math.min(MAX_PLAINTEXT, this.pending.readableBytes()),
						promise);
				ByteBuf message;
				try {
					message = encrypt(ctx, plain);
				}
				catch (NoiseException ex) {
					promise.setFailure(ex);
					this.pending.releaseAndFailAll(ex);
					ctx.fireExceptionCaught(ex);
					break;
				}
				finally {
					plain.release();
				}
				ctx.write(message, promise);
			}
		}
		finally {
			ctx.flush();
		}
	}

	private ByteBuf encrypt(ChannelHandlerContext ctx, ByteBuf plain) throws NoiseException {
		int length = plain.readableBytes();
		byte[] scratch = NoiseDecryptHandler.SCRATCH.get();
		plain.getBytes(plain.readerIndex(), scratch, 0, length);
		ByteBuf out = ctx.alloc().heapBuffer(2 + length + NoiseDecryptHandler.TAG_LENGTH);
		try {
			out.writeShort(length + NoiseDecryptHandler.TAG_LENGTH);
			int written = this.cipher.encryptWithAd(null, scratch, 0, length, out.array(),
					out.arrayOffset() + out.writerIndex());
			out.writerIndex(out.writerIndex() + written);
		}
		catch (NoiseException ex) {
			out.release();
			throw ex;
		}
		if (this.cipher.nonce() % this.rekeyInterval == 0) {
			this.cipher.rekey();
		}
		return out;
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.pending != null && !this.pending.isEmpty()) {
			this.pending.releaseAndFailAll(new EncoderException("channel closed before the data was encrypted"));
		}
		this.cipher.destroy();
	}

}
