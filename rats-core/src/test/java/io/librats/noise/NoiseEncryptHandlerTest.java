package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encrypting queue under concurrent senders: every frame arrives once, in each sender's order, in messages whose
 * nonces (and rekeys) the receiver follows; every completion is told exactly once, also when the queue closes while
 * senders are sealing.
 */
class NoiseEncryptHandlerTest {

	private static final byte[] KEY = new byte[32];

	private static final long REKEY_INTERVAL = 7;

	private static final int SENDERS = 4;

	private static CipherState keyed() {
		CipherState cipher = new CipherState(NoiseCipher.CHACHA_POLY, AeadImplementation.PURE_JAVA);
		cipher.initializeKey(KEY.clone());
		return cipher;
	}

	/** A frame: sender, sequence number, payload length, then payload bytes derived from all three. */
	private static ByteBuf frame(int sender, int seq, int length) {
		ByteBuf buf = Unpooled.buffer(12 + length);
		buf.writeInt(sender).writeInt(seq).writeInt(length);
		for (int i = 0; i < length; i++) {
			buf.writeByte(sender * 31 + seq * 7 + i);
		}
		return buf;
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3 })
	void concurrentSendersKeepTheirOrderAcrossNoncesAndRekeys(long seed) throws Exception {
		int perSender = 1500;
		NoiseEncryptHandler handler = new NoiseEncryptHandler(keyed(), REKEY_INTERVAL);
		EmbeddedChannel channel = new EmbeddedChannel(handler);
		AtomicInteger succeeded = new AtomicInteger();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicInteger flushAsks = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < SENDERS; t++) {
			int sender = t;
			Random random = new Random(seed * 100 + t);
			senders.add(new Thread(() -> {
				awaitQuietly(start);
				for (int seq = 0; seq < perSender; seq++) {
					// Mostly small frames, some spanning a batch and a few longer than one Noise message.
					int roll = random.nextInt(100);
					int length = (roll < 90) ? random.nextInt(600) : (roll < 99) ? 16_000 + random.nextInt(8_000)
							: 70_000 + random.nextInt(20_000);
					if (handler.offer(frame(sender, seq, length), (failure) -> {
						if (failure == null) {
							succeeded.incrementAndGet();
						}
						else {
							failures.add(failure);
						}
					})) {
						flushAsks.incrementAndGet();
					}
				}
			}, "sender-" + t));
		}
		senders.forEach(Thread::start);
		start.countDown();
		Receiver receiver = new Receiver();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> {
			// The test thread is the channel's event loop: flush as the connection's flush task would.
			channel.flush();
			receiver.take(channel);
			return succeeded.get() + failures.size() == SENDERS * perSender;
		});
		for (Thread sender : senders) {
			sender.join(10_000);
		}
		channel.flush();
		receiver.take(channel);
		assertThat(failures).isEmpty();
		assertThat(receiver.next).containsOnly(perSender);
		assertThat(flushAsks.get()).isPositive();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void closingWhileSendersSealTellsEveryCompletionOnceAndRefusesLaterOffers() throws Exception {
		NoiseEncryptHandler handler = new NoiseEncryptHandler(keyed(), REKEY_INTERVAL);
		EmbeddedChannel channel = new EmbeddedChannel(handler);
		int perSender = 400;
		AtomicInteger told = new AtomicInteger();
		AtomicInteger toldTwice = new AtomicInteger();
		AtomicInteger offered = new AtomicInteger();
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < SENDERS; t++) {
			int sender = t;
			senders.add(new Thread(() -> {
				for (int seq = 0; seq < perSender; seq++) {
					AtomicInteger calls = new AtomicInteger();
					handler.offer(frame(sender, seq, 20_000), (failure) -> {
						told.incrementAndGet();
						if (calls.incrementAndGet() > 1) {
							toldTwice.incrementAndGet();
						}
					});
					offered.incrementAndGet();
				}
			}, "sender-" + t));
		}
		senders.forEach(Thread::start);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
			channel.flush();
			return offered.get() >= 100;
		});
		channel.close();
		for (Thread sender : senders) {
			sender.join(30_000);
		}
		channel.flush();
		channel.releaseOutbound();
		assertThat(told.get()).isEqualTo(SENDERS * perSender);
		assertThat(toldTwice.get()).isZero();
		AtomicInteger refused = new AtomicInteger();
		assertThat(handler.offer(frame(0, 0, 10), (failure) -> {
			if (failure != null) {
				refused.incrementAndGet();
			}
		})).isFalse();
		assertThat(refused.get()).isOne();
	}

	@Test
	void sparseSmallFramesThenALargeOneInTheSameBatchArriveIntact() throws Exception {
		NoiseEncryptHandler handler = new NoiseEncryptHandler(keyed(), REKEY_INTERVAL);
		EmbeddedChannel channel = new EmbeddedChannel(handler);
		Receiver receiver = new Receiver();
		AtomicInteger written = new AtomicInteger();
		int seq = 0;
		// Pings, each flushed alone: after the first, each is staged in a small buffer.
		for (; seq < 5; seq++) {
			handler.offer(frame(0, seq, 8), (failure) -> written.incrementAndGet());
			channel.flush();
		}
		// Then a batch that outgrows the small buffer: a small frame, one of 30,000 bytes, more small ones.
		handler.offer(frame(0, seq++, 8), (failure) -> written.incrementAndGet());
		handler.offer(frame(0, seq++, 30_000), (failure) -> written.incrementAndGet());
		for (int i = 0; i < 40; i++) {
			handler.offer(frame(0, seq++, 900), (failure) -> written.incrementAndGet());
		}
		channel.flush();
		receiver.take(channel);
		assertThat(receiver.next[0]).isEqualTo(seq);
		assertThat(written.get()).isEqualTo(seq);
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Decrypts the written messages in order and checks each sender's frames arrive complete and in sequence. */
	private static final class Receiver {

		private final CipherState cipher = keyed();

		private final ByteBuf wire = Unpooled.buffer();

		private final ByteBuf plain = Unpooled.buffer();

		final int[] next = new int[SENDERS];

		void take(EmbeddedChannel channel) throws NoiseException {
			for (ByteBuf out; (out = channel.readOutbound()) != null;) {
				this.wire.writeBytes(out);
				out.release();
			}
			while (this.wire.readableBytes() >= 2
					&& this.wire.readableBytes() >= 2 + this.wire.getUnsignedShort(this.wire.readerIndex())) {
				int length = this.wire.readUnsignedShort();
				byte[] message = new byte[length];
				this.wire.readBytes(message);
				byte[] clear = new byte[length - CipherState.TAG_LENGTH];
				this.cipher.decryptWithAd(null, message, 0, length, clear, 0);
				if (this.cipher.nonce() % REKEY_INTERVAL == 0) {
					this.cipher.rekey();
				}
				this.plain.writeBytes(clear);
			}
			while (this.plain.readableBytes() >= 12
					&& this.plain.readableBytes() >= 12 + this.plain.getInt(this.plain.readerIndex() + 8)) {
				int sender = this.plain.readInt();
				int seq = this.plain.readInt();
				int length = this.plain.readInt();
				assertThat(seq).as("sender %d's next frame", sender).isEqualTo(this.next[sender]);
				for (int i = 0; i < length; i++) {
					assertThat(this.plain.readByte()).isEqualTo((byte) (sender * 31 + seq * 7 + i));
				}
				this.next[sender]++;
			}
			this.wire.discardReadBytes();
			this.plain.discardReadBytes();
		}

	}

}
