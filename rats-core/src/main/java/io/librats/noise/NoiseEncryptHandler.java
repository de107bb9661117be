package io.librats.noise;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;

/**
 * Encrypts outbound bytes into Noise transport messages, each at most 65,535 bytes on the wire. Bytes from the
 * pipeline (on the event loop) and from {@link #offer} (any thread) go into one staging buffer in arrival order; a
 * batch is sealed when it is full, when an offering thread has staged {@link #CALLER_BATCH} bytes, or at flush. So
 * the frames of one event-loop turn share as few Noise messages as possible, and a busy sending thread pays for its
 * own encryption. One lock guards the cipher, the staging buffer and the queue of sealed messages, which keeps nonce
 * order, queue order and wire order the same. A write's promise completes when the message carrying its last byte
 * is written.
 */
final class NoiseEncryptHandler extends ChannelOutboundHandlerAdapter implements SealingQueue {

	static final int MAX_PLAINTEXT = NoiseDecryptHandler.MAX_MESSAGE - NoiseDecryptHandler.TAG_LENGTH;

	/**
	 * Staged bytes at which an offering thread seals the batch itself. Small enough that a steady sender seals most
	 * of its own data before the event loop gets to it; large enough that a batch's fixed costs (the Poly1305 key
	 * block, the length and tag, one socket write) stay small per byte.
	 */
	static final int CALLER_BATCH = 16 * 1024;

	private static final WriteCompletion[] NONE = {};

	private final Object lock = new Object();

	private final CipherState cipher;

	private final long rekeyInterval;

	private ChannelHandlerContext ctx;

	private ByteBufAllocator alloc;

	/** Plaintext not sealed yet, or null; guarded by {@link #lock}. */
	private ByteBuf staging;

	/** The completions of the frames whose last byte is in {@link #staging}; guarded by {@link #lock}. */
	private final List<WriteCompletion> stagedCompletions = new ArrayList<>();

	/** Sealed messages in nonce order, not handed to the channel yet; guarded by {@link #lock}. */
	private ArrayDeque<Sealed> sealed = new ArrayDeque<>();

	/** The other half of {@link #sealed}'s double buffer: swapped out under the lock, written without it. */
	private ArrayDeque<Sealed> writing = new ArrayDeque<>();

	/** Whether an offer since the last flush has asked for one; guarded by {@link #lock}. */
	private boolean flushRequested;

	/** Why the queue refuses offers, or null while open; guarded by {@link #lock}. */
	private Throwable closed;

	private record Sealed(ByteBuf message, WriteCompletion[] completions) {
	}

	NoiseEncryptHandler(CipherState cipher, long rekeyInterval) {
		this.cipher = cipher;
		this.rekeyInterval = rekeyInterval;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.alloc = ctx.alloc();
	}

	@Override
	public boolean offer(ByteBuf frame, WriteCompletion completion) {
		Throwable refused;
		synchronized (this.lock) {
			refused = this.closed;
			if (refused == null) {
				try {
					stage(frame, completion, CALLER_BATCH);
					boolean first = !this.flushRequested;
					this.flushRequested = true;
					return first;
				}
				catch (NoiseException ex) {
					refused = ex;
				}
			}
		}
		refuse(frame, completion, refused);
		return false;
	}

	@Override
	public void discard(Throwable cause) {
		failAll(cause);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof ByteBuf buf)) {
			ReferenceCountUtil.release(msg);
			promise.setFailure(new EncoderException("Noise transport carries bytes only, got " + msg.getClass()));
			return;
		}
		WriteCompletion completion = (failure) -> {
			if (failure == null) {
				promise.trySuccess();
			}
			else {
				promise.tryFailure(failure);
			}
		};
		Throwable refused;
		synchronized (this.lock) {
			refused = this.closed;
			if (refused == null) {
				try {
					stage(buf, completion, MAX_PLAINTEXT);
					return;
				}
				catch (NoiseException ex) {
					refused = ex;
				}
			}
		}
		refuse(buf, completion, refused);
	}

	/**
	 * Answers a frame the queue did not take: refused because it is closed (the frame is still ours to release), or
	 * because sealing failed (the frame is released and its completion may already sit in the queue, which the
	 * failure closes).
	 */
	private void refuse(ByteBuf frame, WriteCompletion completion, Throwable cause) {
		if (cause instanceof NoiseException) {
			if (!failAll(cause).contains(completion)) {
				completion.written(cause);
			}
			this.ctx.executor().execute(() -> this.ctx.fireExceptionCaught(cause));
		}
		else {
			ReferenceCountUtil.release(frame);
			completion.written(cause);
		}
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		ArrayDeque<Sealed> out;
		Throwable failed = null;
		synchronized (this.lock) {
			this.flushRequested = false;
			if (this.staging != null) {
				try {
					sealStaging();
				}
				catch (NoiseException ex) {
					failed = ex;
				}
			}
			out = this.sealed;
			this.sealed = this.writing;
			this.writing = out;
		}
		while (!out.isEmpty()) {
			Sealed s = out.poll();
			if (s.completions().length == 0) {
				ctx.write(s.message(), ctx.voidPromise());
			}
			else {
				ctx.write(s.message()).addListener(new Completer(s.completions()));
			}
		}
		if (failed != null) {
			failAll(failed);
			ctx.fireExceptionCaught(failed);
		}
		ctx.flush();
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		failAll(new ClosedChannelException());
		ctx.close(promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		failAll(new EncoderException("channel closed before the data was encrypted and written"));
	}

	/**
	 * Under the lock: appends a frame to the staging buffer, sealing every batch that fills, and seals what is
	 * staged once it reaches {@code batch} bytes. A frame of a whole batch or more that finds nothing staged is
	 * sealed straight from its own array, without the copy into staging.
	 */
	private void stage(ByteBuf frame, WriteCompletion completion, int batch) throws NoiseException {
		try {
			int length = frame.readableBytes();
			if (this.staging == null && length >= batch && frame.hasArray()) {
				sealDirect(frame.array(), frame.arrayOffset() + frame.readerIndex(), length, completion);
				return;
			}
			while (true) {
				if (this.staging == null) {
					this.staging = this.alloc.heapBuffer(MAX_PLAINTEXT, MAX_PLAINTEXT);
				}
				int n = Math.min(frame.readableBytes(), this.staging.writableBytes());
				this.staging.writeBytes(frame, n);
				if (!frame.isReadable()) {
					this.stagedCompletions.add(completion);
					if (this.staging.readableBytes() >= batch) {
						sealStaging();
					}
					return;
				}
				sealStaging();
			}
		}
		finally {
			frame.release();
		}
	}

	private void sealDirect(byte[] array, int offset, int length, WriteCompletion completion) throws NoiseException {
		while (length > 0) {
			int n = Math.min(length, MAX_PLAINTEXT);
			ByteBuf message = seal(array, offset, n);
			this.sealed.add(new Sealed(message, (n == length) ? new WriteCompletion[] { completion } : NONE));
			offset += n;
			length -= n;
		}
	}

	private void sealStaging() throws NoiseException {
		ByteBuf plain = this.staging;
		this.staging = null;
		try {
			ByteBuf message = seal(plain.array(), plain.arrayOffset() + plain.readerIndex(), plain.readableBytes());
			WriteCompletion[] completions = this.stagedCompletions.isEmpty() ? NONE
					: this.stagedCompletions.toArray(NONE);
			this.stagedCompletions.clear();
			this.sealed.add(new Sealed(message, completions));
		}
		finally {
			plain.release();
		}
	}

	private ByteBuf seal(byte[] plain, int offset, int length) throws NoiseException {
		ByteBuf out = this.alloc.heapBuffer(2 + length + NoiseDecryptHandler.TAG_LENGTH);
		try {
			out.writeShort(length + NoiseDecryptHandler.TAG_LENGTH);
			int written = this.cipher.encryptWithAd(null, plain, offset, length, out.array(),
					out.arrayOffset() + out.writerIndex());
			out.writerIndex(out.writerIndex() + written);
		}
		catch (NoiseException | RuntimeException ex) {
			out.release();
			throw ex;
		}
		if (this.cipher.nonce() % this.rekeyInterval == 0) {
			this.cipher.rekey();
		}
		return out;
	}

	/**
	 * Closes the queue: releases what it holds, fails every waiting completion, wipes the key. Idempotent.
	 * @return the completions it failed
	 */
	private List<WriteCompletion> failAll(Throwable cause) {
		List<WriteCompletion> failed = new ArrayList<>();
		synchronized (this.lock) {
			if (this.closed == null) {
				this.closed = cause;
			}
			if (this.staging != null) {
				this.staging.release();
				this.staging = null;
			}
			failed.addAll(this.stagedCompletions);
			this.stagedCompletions.clear();
			for (Sealed s : this.sealed) {
				s.message().release();
				failed.addAll(List.of(s.completions()));
			}
			this.sealed.clear();
			this.cipher.destroy();
		}
		for (WriteCompletion completion : failed) {
			completion.written(cause);
		}
		return failed;
	}

	/** Completes the frames of one written message. */
	private record Completer(WriteCompletion[] completions) implements ChannelFutureListener {

		@Override
		public void operationComplete(io.netty.channel.ChannelFuture future) {
			Throwable failure = future.isSuccess() ? null : future.cause();
			for (WriteCompletion completion : this.completions) {
				completion.written(failure);
			}
		}

	}

}
