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
 * pipeline (on the event loop) and from {@link #offer} (any thread) go into one staging buffer in arrival order; the
 * buffer becomes a batch, ready to seal, when an offering thread has staged {@link #CALLER_BATCH} bytes, when it is
 * full, or at flush. So the frames of one event-loop turn share as few Noise messages as possible, and a busy
 * sending thread pays for its own encryption.
 * <p>
 * One lock guards the staging buffer and the queues; it is held for copies only, never while encrypting, so the event
 * loop never waits for a sending thread's cipher work. Whoever finds batches ready and nobody sealing becomes the one
 * sealer and seals them oldest first until none are left: one thread at a time owns the cipher, so batch order, nonce
 * order and wire order stay the same. A write's promise completes when the message carrying its last byte is written.
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

	/** Staging buffer size after a batch of at most this many bytes (see {@link #lastBatchBytes}). */
	static final int SMALL_STAGING = 1024;

	private final Object lock = new Object();

	/** Used by the one sealer only, outside {@link #lock}. */
	private final CipherState cipher;

	private final long rekeyInterval;

	private ChannelHandlerContext ctx;

	private ByteBufAllocator alloc;

	/** Plaintext not in a batch yet, or null; guarded by {@link #lock}. */
	private ByteBuf staging;

	/**
	 * Size of the last batch closed from {@link #staging}; guarded by {@link #lock}. After a small one (a ping, a
	 * request in a ping-pong) the next staging buffer starts small too, instead of taking a whole message's worth
	 * from the allocator for a few dozen bytes.
	 */
	private int lastBatchBytes = MAX_PLAINTEXT;

	/** The completions of the frames whose last byte is in {@link #staging}; guarded by {@link #lock}. */
	private final List<WriteCompletion> stagedCompletions = new ArrayList<>();

	/** Plaintext batches waiting for the sealer, oldest first; guarded by {@link #lock}. */
	private final ArrayDeque<Batch> ready = new ArrayDeque<>();

	/** Whether some thread is the sealer now (owns the cipher); guarded by {@link #lock}. */
	private boolean sealing;

	/** Sealed messages in nonce order, not handed to the channel yet; guarded by {@link #lock}. */
	private ArrayDeque<Sealed> sealed = new ArrayDeque<>();

	/** The other half of {@link #sealed}'s double buffer: swapped out under the lock, written without it. */
	private ArrayDeque<Sealed> writing = new ArrayDeque<>();

	/** Whether a flush is on its way that will write what is queued now; guarded by {@link #lock}. */
	private boolean flushRequested;

	/** Why the queue refuses offers, or null while open; guarded by {@link #lock}. */
	private Throwable closed;

	/** Plaintext of one or more messages to seal; completions ride on the message carrying the last byte. */
	private record Batch(ByteBuf plain, WriteCompletion[] completions) {
	}

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
		boolean sealer;
		Throwable refused;
		synchronized (this.lock) {
			refused = stageUnlessClosed(frame, completion, CALLER_BATCH);
			sealer = becomeSealer();
		}
		if (refused != null) {
			refuse(frame, completion, refused);
			return false;
		}
		if (sealer) {
			sealReady();
		}
		synchronized (this.lock) {
			// Asked after sealing, so a flush that ran meanwhile does not leave our message unwritten.
			boolean ask = !this.flushRequested && this.closed == null;
			this.flushRequested = true;
			return ask;
		}
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
			refused = stageUnlessClosed(buf, completion, MAX_PLAINTEXT);
		}
		if (refused != null) {
			refuse(buf, completion, refused);
		}
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		boolean sealer;
		synchronized (this.lock) {
			this.flushRequested = false;
			closeStaging();
			sealer = becomeSealer();
		}
		if (sealer) {
			sealReady();
		}
		ArrayDeque<Sealed> out;
		synchronized (this.lock) {
			// Whatever another thread is sealing now is not in here: it asks for the next flush when done.
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

	/** Under the lock: stages the frame (taking ownership), or returns why the queue refuses it. */
	private Throwable stageUnlessClosed(ByteBuf frame, WriteCompletion completion, int batch) {
		if (this.closed == null) {
			stage(frame, completion, batch);
		}
		return this.closed;
	}

	/** Outside the lock: releases a frame the closed queue refused and tells its completion why. */
	private static void refuse(ByteBuf frame, WriteCompletion completion, Throwable cause) {
		ReferenceCountUtil.release(frame);
		completion.written(cause);
	}

	/**
	 * Under the lock: appends a frame to the staging buffer, closing every staging buffer that fills into a batch,
	 * and closes what is staged once it reaches {@code batch} bytes. A frame of a whole batch or more that finds
	 * nothing staged becomes a batch of its own, without the copy into staging. Takes ownership of the frame.
	 */
	private void stage(ByteBuf frame, WriteCompletion completion, int batch) {
		int length = frame.readableBytes();
		if (this.staging == null && length >= batch && frame.hasArray()) {
			this.ready.add(new Batch(frame, new WriteCompletion[] { completion }));
			return;
		}
		try {
			while (true) {
				if (this.staging == null) {
					boolean small = this.lastBatchBytes <= SMALL_STAGING && frame.readableBytes() <= SMALL_STAGING;
					this.staging = this.alloc.heapBuffer(small ? SMALL_STAGING : MAX_PLAINTEXT, MAX_PLAINTEXT);
				}
				if (frame.readableBytes() > this.staging.writableBytes()
						&& this.staging.capacity() < MAX_PLAINTEXT) {
					// A batch larger than the last one: straight to full size, one copy, rather than doubling.
					this.staging.capacity(MAX_PLAINTEXT);
				}
				int n = Math.min(frame.readableBytes(), this.staging.writableBytes());
				this.staging.writeBytes(frame, n);
				if (!frame.isReadable()) {
					this.stagedCompletions.add(completion);
					if (this.staging.readableBytes() >= batch) {
						closeStaging();
					}
					return;
				}
				closeStaging();
			}
		}
		finally {
			frame.release();
		}
	}

	/** Under the lock: turns what is staged, if anything, into a batch ready to seal. */
	private void closeStaging() {
		if (this.staging != null) {
			WriteCompletion[] completions = this.stagedCompletions.isEmpty() ? NONE
					: this.stagedCompletions.toArray(NONE);
			this.stagedCompletions.clear();
			this.lastBatchBytes = this.staging.readableBytes();
			this.ready.add(new Batch(this.staging, completions));
			this.staging = null;
		}
	}

	/** Under the lock: makes the calling thread the sealer if there is work and no other thread is sealing. */
	private boolean becomeSealer() {
		if (this.sealing || this.ready.isEmpty() || this.closed != null) {
			return false;
		}
		this.sealing = true;
		return true;
	}

	/**
	 * As the sealer, outside the lock: seals ready batches oldest first until none are left, then stops being the
	 * sealer. If the queue closes meanwhile, what is in hand is failed here and the key wiped.
	 */
	private void sealReady() {
		List<Sealed> messages = new ArrayList<>(2);
		while (true) {
			Batch batch = null;
			Throwable closedCause;
			synchronized (this.lock) {
				closedCause = this.closed;
				if (closedCause == null) {
					this.sealed.addAll(messages);
					messages.clear();
					batch = this.ready.poll();
				}
				if (batch == null) {
					this.sealing = false;
					if (closedCause != null) {
						this.cipher.destroy();
					}
				}
			}
			if (batch == null) {
				fail(messages, NONE, closedCause);
				return;
			}
			try {
				seal(batch, messages);
			}
			catch (NoiseException | RuntimeException ex) {
				fail(messages, batch.completions(), ex);
				failAll(ex);
				this.ctx.executor().execute(() -> this.ctx.fireExceptionCaught(ex));
			}
			finally {
				batch.plain().release();
			}
		}
	}

	/** Releases sealed messages that will not be written and fails their completions and {@code more}. */
	private static void fail(List<Sealed> messages, WriteCompletion[] more, Throwable cause) {
		for (Sealed s : messages) {
			s.message().release();
			for (WriteCompletion completion : s.completions()) {
				completion.written(cause);
			}
		}
		messages.clear();
		for (WriteCompletion completion : more) {
			completion.written(cause);
		}
	}

	/** Seals a batch into messages of at most {@link #MAX_PLAINTEXT} bytes of plaintext each. */
	private void seal(Batch batch, List<Sealed> messages) throws NoiseException {
		ByteBuf plain = batch.plain();
		byte[] array = plain.array();
		int offset = plain.arrayOffset() + plain.readerIndex();
		int length = plain.readableBytes();
		do {
			int n = Math.min(length, MAX_PLAINTEXT);
			messages.add(new Sealed(seal(array, offset, n), (n == length) ? batch.completions() : NONE));
			offset += n;
			length -= n;
		}
		while (length > 0);
	}

	private ByteBuf seal(byte[] plain, int offset, int length) throws NoiseException {
		ByteBuf out = this.alloc.heapBuffer(2 + length + NoiseDecryptHandler.TAG_LENGTH);
		try {
			out.writeShort(length + NoiseDecryptHandler.TAG_LENGTH);
			int written = this.cipher.encryptWithAd(null, plain, offset, length, out.array(),
					out.arrayOffset() + out.writerIndex());
			out.writerIndex(out.writerIndex() + written);
			if (this.cipher.nonce() % this.rekeyInterval == 0) {
				this.cipher.rekey();
			}
			return out;
		}
		catch (NoiseException | RuntimeException ex) {
			out.release();
			throw ex;
		}
	}

	/**
	 * Closes the queue: releases what it holds and fails every waiting completion; the key is wiped now, or by the
	 * sealer when it stops if one is at work. Idempotent.
	 */
	private void failAll(Throwable cause) {
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
			for (Batch b : this.ready) {
				b.plain().release();
				failed.addAll(List.of(b.completions()));
			}
			this.ready.clear();
			for (Sealed s : this.sealed) {
				s.message().release();
				failed.addAll(List.of(s.completions()));
			}
			this.sealed.clear();
			if (!this.sealing) {
				this.cipher.destroy();
			}
		}
		for (WriteCompletion completion : failed) {
			completion.written(cause);
		}
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
