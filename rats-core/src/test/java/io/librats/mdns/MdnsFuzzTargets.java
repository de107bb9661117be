package io.librats.mdns;

import java.net.InetSocketAddress;
import java.util.Random;

import io.librats.metrics.RatsMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;

/** The mDNS decoding paths, opened to the fuzz tests in {@code io.librats.fuzz}. */
public final class MdnsFuzzTargets {

	private MdnsFuzzTargets() {
	}

	/** Valid packets to mutate: a response with every record type, a probe, a query with known answers. */
	public static java.util.List<byte[]> samples() {
		MdnsMessage response = MdnsCodecTest.sample();
		MdnsMessage probe = MdnsMessage.query(
				java.util.List.of(new MdnsQuestion(MdnsCodecTest.INSTANCE, MdnsQuestion.ANY, 1, true)),
				java.util.List.of(), response.answers().subList(1, 2));
		MdnsMessage query = MdnsMessage.query(java.util.List.of(new MdnsQuestion(MdnsCodecTest.TYPE, 12, 1, false)),
				response.answers().subList(0, 1), java.util.List.of());
		return java.util.List.of(MdnsCodec.encode(response), MdnsCodec.encode(probe), MdnsCodec.encode(query));
	}

	/**
	 * Decodes {@code input}; when it decodes, every record's data must be readable and the message must survive our
	 * encoder and decoder unchanged. A refusal must be an {@link MdnsFormatException}; anything else escapes.
	 */
	public static void decodeAndUse(byte[] input) {
		ByteBuf packet = Unpooled.wrappedBuffer(input);
		MdnsMessage message;
		try {
			message = MdnsCodec.decode(packet);
		}
		catch (MdnsFormatException expected) {
			assertThat(expected.getMessage()).isNotBlank();
			return;
		}
		assertThat(packet.readerIndex()).as("the caller's buffer is left as it was").isZero();
		for (var section : java.util.List.of(message.answers(), message.authorities(), message.additionals())) {
			section.forEach(MdnsRecord::toString);
		}
		MdnsCodecTest.roundTrip(message);
	}

	/**
	 * Hands {@code input} to a node's protocol logic that has announced its service and knows one peer, as a packet
	 * from a neighbour: whatever it is, nothing is thrown and malformed input is counted.
	 */
	public static void receive(byte[] input) {
		ManualScheduler scheduler = new ManualScheduler();
		RecordingOutput output = new RecordingOutput(scheduler);
		RatsMetrics metrics = new RatsMetrics();
		MdnsEngine engine = MdnsEngineTest.engine(scheduler, output, metrics, MdnsConfig.defaults(), new Random(1));
		engine.start();
		scheduler.advance(3000);
		engine.receive(Unpooled.wrappedBuffer(input), new InetSocketAddress(RecordingOutput.address("10.9.0.2"), 5353));
		engine.receive(Unpooled.wrappedBuffer(input), new InetSocketAddress(RecordingOutput.address("10.9.0.2"), 40000));
		scheduler.advance(5000);
		assertThat(metrics.get(MdnsMetrics.PACKETS_IN)).isEqualTo(2);
		engine.stop();
	}

}
