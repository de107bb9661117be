package io.librats.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.librats.RatsClient;
import io.librats.message.Delivery;
import io.librats.transport.TcpBinding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * (a) Small JSON messages per second on one encrypted connection between two nodes, against a raw plaintext Netty
 * connection that carries the same JSON, serialised and parsed the same way, in the same run.
 */
final class SmallMessagesExperiment {

	static final String TYPE = "bench";

	static final String TYPE_IO = "bench-io";

	static final double GOAL_RATE = 200_000;

	static final double GOAL_RATIO = 0.5;

	/** About 100 bytes of JSON: a few fields of the kinds applications send. */
	static ObjectNode message(JsonMapper mapper, long seq) {
		return mapper.createObjectNode()
			.put("seq", seq)
			.put("ts", 1_750_000_000_000L + seq)
			.put("user", "alice@example.org")
			.put("text", "the quick brown fox jumps over")
			.put("ok", true);
	}

	List<Result> run(Options options, Env env) throws Exception {
		List<Result> results = new ArrayList<>();
		AtomicLong ratsExecutor = new AtomicLong();
		AtomicLong ratsIoThread = new AtomicLong();
		AtomicLong raw = new AtomicLong();
		try (Nodes nodes = new Nodes(env)) {
			RatsClient receiver = nodes.start();
			RatsClient sender = nodes.start();
			JsonMapper mapper = sender.jsonMapper();
			receiver.on(TYPE, (msg) -> ratsExecutor.incrementAndGet());
			receiver.on(TYPE_IO, (msg) -> ratsIoThread.incrementAndGet(), Delivery.IO_THREAD);
			String peer = Nodes.connect(sender, receiver);
			try (RawNettyLink link = new RawNettyLink(TcpBinding.select(true), (frame) -> {
				mapper.readTree(ByteBufUtil.getBytes(frame));
				raw.incrementAndGet();
			})) {
				int jsonBytes = mapper.writeValueAsBytes(message(mapper, 1_000_000)).length;
				Map<String, Object> specific = new LinkedHashMap<>();
				specific.put("message", "ObjectNode {seq, ts, user, text, ok}: " + jsonBytes
						+ " bytes of JSON (at seq 1,000,000); rats frame = 4 length + 1 type + 2 header + "
						+ TYPE.length() + " type name + JSON = " + (jsonBytes + 7 + TYPE.length())
						+ " bytes before Noise; raw baseline frame = 4 length + JSON = " + (jsonBytes + 4) + " bytes");
				specific.put("connections", "1 rats connection handshaken (sender -> receiver, "
						+ sender.peers().size() + " peer on the sender, " + receiver.peers().size()
						+ " on the receiver) + 1 raw Netty connection");
				specific.put("nodes", "2 RatsClient in this JVM, defaults (" + Nodes.defaultThreads() + "), 127.0.0.1");
				specific.put("flow control", options.window + " messages in flight (Semaphore; permit returned when "
						+ "the send future / channel promise completes)");
				specific.put("receiver", "rats: handler counts (default Delivery.EXECUTOR, and IO_THREAD as a "
						+ "variant); raw: Jackson readTree of the frame on the event loop, then count");
				specific.put("baseline", "raw Netty " + TcpBinding.select(true).name()
						+ ", plaintext, LengthFieldPrepender/LengthFieldBasedFrameDecoder, same JSON serialisation"
						+ " into a pooled buffer, same flush-per-turn writer");
				specific.put("windows", options.rounds + " x " + options.seconds + " s per system after a warm-up "
						+ Env.warmUpRule(options) + "; systems alternate; best window reported");
				env.printSettings("(a) small JSON messages on one connection", sender.transportName(), specific);

				WindowedLoad baseline = new WindowedLoad((seq, done) -> link.send(encode(link, mapper, seq), done),
						raw::get, options.window);
				WindowedLoad executor = new WindowedLoad((seq, done) -> sender.send(peer, TYPE, message(mapper, seq))
					.whenComplete((v, ex) -> done.accept(ex)), ratsExecutor::get, options.window);
				WindowedLoad ioThread = new WindowedLoad((seq, done) -> sender.send(peer, TYPE_IO,
						message(mapper, seq)).whenComplete((v, ex) -> done.accept(ex)), ratsIoThread::get,
						options.window);

				String w1 = baseline.warmUp(options.warmupSeconds, options.maxWarmupSeconds);
				String w2 = executor.warmUp(options.warmupSeconds, options.maxWarmupSeconds);
				String w3 = ioThread.warmUp(options.warmupSeconds, options.maxWarmupSeconds);
				System.out.println("warm-up: baseline " + w1 + ", rats EXECUTOR " + w2 + ", rats IO_THREAD " + w3);

				Table table = new Table("system", "round", "msg/s", "JSON MB/s", "JVM cores busy", "CPU us/msg",
						"kernel %", "JIT s", "other procs' cores", "failed sends");
				WindowedLoad.Window bestBase = null;
				WindowedLoad.Window bestExec = null;
				WindowedLoad.Window bestIo = null;
				for (int round = 1; round <= options.rounds; round++) {
					WindowedLoad.Window b = baseline.run(options.seconds);
					row(table, "raw Netty plaintext (baseline)", round, b, jsonBytes);
					WindowedLoad.Window e = executor.run(options.seconds);
					row(table, "rats encrypted, Delivery.EXECUTOR", round, e, jsonBytes);
					WindowedLoad.Window i = ioThread.run(options.seconds);
					row(table, "rats encrypted, Delivery.IO_THREAD", round, i, jsonBytes);
					bestBase = best(bestBase, b);
					bestExec = best(bestExec, e);
					bestIo = best(bestIo, i);
				}
				table.print(System.out);
				failureNote(executor);
				failureNote(ioThread);
				failureNote(baseline);
				double base = bestBase.perSecond();
				double exec = bestExec.perSecond();
				double io = bestIo.perSecond();
				System.out.printf("%nbest: baseline %s msg/s; rats (EXECUTOR) %s msg/s = %s; rats (IO_THREAD) %s msg/s"
						+ " = %s%n", Table.num(base), Table.num(exec), Table.ratio(exec / base), Table.num(io),
						Table.ratio(io / base));
				results.add(new Result("small", "msg/s, ~" + jsonBytes + " B JSON, 1 conn, default delivery", exec, base,
						"≥200,000 msg/s and ≥0.5x", exec >= GOAL_RATE && exec / base >= GOAL_RATIO));
				results.add(new Result("small", "msg/s, same, Delivery.IO_THREAD (variant)", io, base, "(info)", null));
			}
		}
		return results;
	}

	private static ByteBuf encode(RawNettyLink link, JsonMapper mapper, long seq) {
		ByteBuf buf = link.alloc().buffer(128);
		try (OutputStream out = new ByteBufOutputStream(buf)) {
			mapper.writeValue(out, message(mapper, seq));
		}
		catch (IOException ex) {
			buf.release();
			throw new UncheckedIOException(ex);
		}
		return buf;
	}

	static WindowedLoad.Window best(WindowedLoad.Window a, WindowedLoad.Window b) {
		return (a == null || b.perSecond() > a.perSecond()) ? b : a;
	}

	private static void row(Table table, String system, int round, WindowedLoad.Window w, int jsonBytes) {
		table.row(system, round, Table.num(w.perSecond()), Table.num(w.perSecond() * jsonBytes / 1e6),
				Table.num(w.cpu().processCores()), Table.num(w.cpuMicrosPerMessage()),
				Table.num(100 * w.cpu().kernelShare()), Table.num(w.cpu().jit()), Table.num(w.cpu().foreignCores()),
				w.failures());
	}

	static void failureNote(WindowedLoad load) {
		if (load.firstFailure() != null) {
			System.out.println("first failed send: " + load.firstFailure());
		}
	}

}
