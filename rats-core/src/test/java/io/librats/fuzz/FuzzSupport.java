package io.librats.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.librats.noise.NoiseException;
import io.librats.transport.ProtocolException;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the fuzz tests share: the one rule about which exceptions hostile input may raise, and seeded inputs for the
 * {@code @ParameterizedTest} that runs each harness in every normal build (Jazzer's regression mode alone only runs
 * the empty input when there is no stored corpus).
 */
final class FuzzSupport {

	/** Seeded inputs per harness in the normal build. */
	static final int SEEDED_INPUTS = 200;

	private FuzzSupport() {
	}

	/**
	 * Rethrows {@code thrown} as an {@link AssertionError} unless it is one of the failures the wire codecs may raise
	 * on bad input: {@link ProtocolException}, {@link NoiseException}, {@link TooLongFrameException},
	 * {@link CorruptedFrameException}, or a {@link DecoderException} wrapping one of those (or nothing).
	 */
	static void assertExpectedFailure(Throwable thrown) {
		Throwable root = thrown;
		if (thrown instanceof DecoderException && !(thrown instanceof TooLongFrameException)
				&& !(thrown instanceof CorruptedFrameException)) {
			if (thrown.getCause() == null) {
				return;
			}
			root = thrown.getCause();
		}
		if (root instanceof ProtocolException || root instanceof NoiseException || root instanceof TooLongFrameException
				|| root instanceof CorruptedFrameException) {
			return;
		}
		throw new AssertionError("unexpected " + thrown.getClass().getName() + " escaped on hostile input", thrown);
	}

	/**
	 * {@code count} inputs from {@code seed}: a quarter random bytes of random length, the rest mutations of the
	 * valid samples (bytes flipped, truncated, bytes inserted, a sample repeated, samples spliced), plus the samples
	 * themselves and the empty input.
	 */
	static Stream<Arguments> seededInputs(long seed, int count, List<byte[]> validSamples) {
		Random random = new Random(seed);
		List<Arguments> inputs = new ArrayList<>();
		inputs.add(Arguments.of(0, new byte[0]));
		for (byte[] sample : validSamples) {
			inputs.add(Arguments.of(inputs.size(), sample.clone()));
		}
		while (inputs.size() < count) {
			byte[] input;
			if (validSamples.isEmpty() || random.nextInt(4) == 0) {
				input = new byte[random.nextInt(300)];
				random.nextBytes(input);
			}
			else {
				input = mutate(random, validSamples.get(random.nextInt(validSamples.size())), validSamples);
			}
			inputs.add(Arguments.of(inputs.size(), input));
		}
		return inputs.stream();
	}

	private static byte[] mutate(Random random, byte[] sample, List<byte[]> samples) {
		byte[] input = sample.clone();
		switch (random.nextInt(6)) {
			case 0, 1 -> {
				for (int flips = 1 + random.nextInt(4); flips > 0 && input.length > 0; flips--) {
					input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
				}
			}
			case 2 -> input = Arrays.copyOf(input, random.nextInt(input.length + 1));
			case 3 -> {
				int at = random.nextInt(input.length + 1);
				byte[] extra = new byte[1 + random.nextInt(16)];
				random.nextBytes(extra);
				byte[] longer = new byte[input.length + extra.length];
				System.arraycopy(input, 0, longer, 0, at);
				System.arraycopy(extra, 0, longer, at, extra.length);
				System.arraycopy(input, at, longer, at + extra.length, input.length - at);
				input = longer;
			}
			case 4 -> {
				byte[] twice = Arrays.copyOf(input, input.length * 2);
				System.arraycopy(input, 0, twice, input.length, input.length);
				input = twice;
			}
			default -> {
				byte[] other = samples.get(random.nextInt(samples.size()));
				int cut = random.nextInt(input.length + 1);
				int from = random.nextInt(other.length + 1);
				byte[] spliced = Arrays.copyOf(input, cut + other.length - from);
				System.arraycopy(other, from, spliced, cut, other.length - from);
				input = spliced;
			}
		}
		return input;
	}

	/**
	 * Writes {@code input[1..]} into the channel in chunks of {@code chunk} bytes, as a socket might deliver it,
	 * runs {@code afterEachChunk} after every write (also after one that fails), stops at the first failure (which
	 * must be an expected one), finishes the channel, and checks that every input buffer was released.
	 */
	static void feedInChunks(io.netty.channel.embedded.EmbeddedChannel channel, byte[] input, int chunk,
			Runnable afterEachChunk) {
		java.util.List<io.netty.buffer.ByteBuf> given = new java.util.ArrayList<>();
		try {
			for (int offset = 1; offset < input.length; offset += chunk) {
				io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.copiedBuffer(input, offset,
						Math.min(chunk, input.length - offset));
				given.add(buf);
				try {
					channel.writeInbound(buf);
				}
				catch (Throwable thrown) {
					assertExpectedFailure(thrown);
					// The real pipeline closes the connection here.
					break;
				}
				finally {
					afterEachChunk.run();
				}
			}
		}
		finally {
			try {
				channel.finishAndReleaseAll();
			}
			catch (Throwable thrown) {
				assertExpectedFailure(thrown);
			}
		}
		for (io.netty.buffer.ByteBuf buf : given) {
			org.assertj.core.api.Assertions.assertThat(buf.refCnt()).as("input buffer released").isZero();
		}
	}

	/**
	 * Parses {@code input} twice: from a buffer of exactly its length, and from one with stale bytes ({@code stale})
	 * behind the writer index that look like the rest of a message, to tempt a parser into reading past the data.
	 */
	static void parseExactAndWithStaleTail(byte[] input, String stale,
			java.util.function.Consumer<io.netty.buffer.ByteBuf> parse) {
		io.netty.buffer.ByteBuf exact = io.netty.buffer.Unpooled.wrappedBuffer(input);
		io.netty.buffer.ByteBuf spare = io.netty.buffer.Unpooled.buffer(input.length + stale.length() + 16);
		try {
			parse.accept(exact);
			spare.setCharSequence(input.length, stale, java.nio.charset.StandardCharsets.US_ASCII);
			spare.writeBytes(input);
			parse.accept(spare);
		}
		finally {
			exact.release();
			spare.release();
		}
	}

}
