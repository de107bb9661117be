package io.librats.noise;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Turns Noise transport messages (2-byte big-endian length, then ciphertext with its 16-byte tag) back into
 * plaintext buffers. A bad tag fails the connection: a flipped byte is an attack or a broken path, never noise to
 * skip. The receiving cipher is rekeyed after every {@link #REKEY_INTERVAL} messages, mirroring the sender.
 */
final class NoiseDecryptHandler extends ByteToMessageDecoder {

	/** Messages per direction between two Noise {@code Rekey()} calls; fixed by protocol version 1. */
	static final long REKEY_INTERVAL = 1L << 16;

	static final int TAG_LENGTH = 16;

	static final int MAX_MESSAGE = 65535;

	private final CipherState cipher;

	private final long rekeyInterval;

	/**
	 * Ciphertext staging, one per event-loop thread rather than one per connection: an idle connection must not
	 * pin 64 KiB. Safe because a handler only ever runs on its channel's loop and never yields mid-use.
	 */
	static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
		@Override
		protected byte[] initialValue() {
			return new byte[MAX_MESSAGE];
		}
	};

	NoiseDecryptHandler(CipherState cipher, long rekeyInterval) {
		this.cipher = cipher;
		this.rekeyInterval = rekeyInterval;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
		while (in.readableBytes() >= 2) {
			int length = in.getUnsignedShort(in.readerIndex());
			if (length < TAG_LENGTH) {
				throw new NoiseException("transport message of " + length + " bytes is shorter than its tag");
			}
			if (in.readableBytes() < 2 + length) {
				return;
			}
			in.skipBytes(2);
			byte[] scratch = SCRATCH.get();
			in.readBytes(scratch, 0, length);
			ByteBuf plain = ctx.alloc().heapBuffer(length - TAG_LENGTH);
			try {
				int written = this.cipher.decryptWithAd(null, scratch, 0, length, plain.array(),
						plain.arrayOffset() + plain.writerIndex());
				plain.writerIndex(plain.writerIndex() + written);
			}
			catch (NoiseException ex) {
				plain.release();
				throw ex;
			}
			if (this.cipher.nonce() % this.rekeyInterval == 0) {
				this.cipher.rekey();
			}
			out.add(plain);
		}
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		this.cipher.destroy();
	}

}
