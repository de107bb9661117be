package io.librats.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example messages of BEP 5, byte for byte, and the answers of {@link QueryHandler}. */
class KrpcTest {

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String text(Object bytes) {
		return new String((byte[]) bytes, StandardCharsets.ISO_8859_1);
	}

	private static final byte[] AA = ascii("aa");

	private static final byte[] ID_A = ascii("abcdefghij0123456789");

	private static final byte[] ID_M = ascii("mnopqrstuvwxyz123456");

	private static Map<String, Object> args(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	@Test
	void bep5Ping() throws Exception {
		String query = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
		String response = "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re";
		assertThat(Krpc.query(AA, "ping", args("id", ID_A), false, null)).isEqualTo(ascii(query));
		assertThat(Krpc.response(AA, args("id", ID_M), null, null)).isEqualTo(ascii(response));
		Krpc.Query q = (Krpc.Query) Krpc.decode(ascii(query));
		assertThat(q.method()).isEqualTo("ping");
		assertThat(q.transactionId()).isEqualTo(AA);
		assertThat(Krpc.requireId(q, "id")).isEqualTo(NodeId.of(ID_A));
		assertThat(q.readOnly()).isFalse();
		Krpc.Response r = (Krpc.Response) Krpc.decode(ascii(response));
		assertThat(r.id()).isEqualTo(NodeId.of(ID_M));
		assertThat(r.ip()).isNull();
	}

	@Test
	void bep5FindNode() throws Exception {
		String query = "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe";
		String response = "d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re";
		assertThat(Krpc.query(AA, "find_node", args("id", ID_A, "target", ID_M), false, null)).isEqualTo(ascii(query));
		Krpc.Query q = (Krpc.Query) Krpc.decode(ascii(query));
		assertThat(Krpc.requireId(q, "target")).isEqualTo(NodeId.of(ID_M));
		Krpc.Response r = (Krpc.Response) Krpc.decode(ascii(response));
		assertThat(text(r.values().get("nodes"))).isEqualTo("def456...");
		// the example's "def456..." is a placeholder: not a whole number of 26-byte node infos
		assertThat(Compact.parseNodes((byte[]) r.values().get("nodes"), false)).isNull();
	}

	@Test
	void bep5GetPeers() throws Exception {
		String query = "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe";
		String values = "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re";
		String nodes = "d1:rd2:id20:abcdefghij01234567895:nodes9:def456...5:token8:aoeusnthe1:t2:aa1:y1:re";
		assertThat(Krpc.query(AA, "get_peers", args("id", ID_A, "info_hash", ID_M), false, null))
			.isEqualTo(ascii(query));
		assertThat(Krpc.response(AA, args("id", ID_A, "token", "aoeusnth", "values", List.of("axje.u", "idhtnm")),
				null, null)).isEqualTo(ascii(values));
		Krpc.Response r = (Krpc.Response) Krpc.decode(ascii(values));
		List<?> peers = (List<?>) r.values().get("values");
		assertThat(peers).hasSize(2);
		InetSocketAddress first = Compact.parsePeer((byte[]) peers.get(0));
		assertThat(first.getAddress().getHostAddress()).isEqualTo("97.120.106.101"); // "axje"
		assertThat(first.getPort()).isEqualTo(('.' << 8) | 'u');
		Krpc.Response n = (Krpc.Response) Krpc.decode(ascii(nodes));
		assertThat(text(n.values().get("token"))).isEqualTo("aoeusnth");
	}

	@Test
	void bep5AnnouncePeer() throws Exception {
		String query = "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe";
		assertThat(Krpc.query(AA, "announce_peer", args("id", ID_A, "implied_port", 1L, "info_hash", ID_M, "port",
				6881L, "token", "aoeusnth"), false, null)).isEqualTo(ascii(query));
		Krpc.Query q = (Krpc.Query) Krpc.decode(ascii(query));
		assertThat(Krpc.optionalLong(q, "implied_port", 0)).isEqualTo(1);
		assertThat(Krpc.optionalLong(q, "port", 0)).isEqualTo(6881);
		assertThat(Krpc.requireBytes(q, "token", 64)).isEqualTo(ascii("aoeusnth"));
	}

	@Test
	void bep5Error() throws Exception {
		String error = "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee";
		assertThat(Krpc.error(AA, 201, "A Generic Error Ocurred", null)).isEqualTo(ascii(error));
		Krpc.Error e = (Krpc.Error) Krpc.decode(ascii(error));
		assertThat(e.code()).isEqualTo(201);
		assertThat(e.text()).isEqualTo("A Generic Error Ocurred");
	}

	@Test
	void extensionsReadOnlyIpAndWant() throws Exception {
		byte[] query = Krpc.query(AA, "find_node", args("id", ID_A, "target", ID_M, "want", List.of("n4", "n6")),
				true, DhtNode.VERSION);
		Krpc.Query q = (Krpc.Query) Krpc.decode(query);
		assertThat(q.readOnly()).isTrue();
		assertThat(Krpc.want(q)).containsExactly("n4", "n6");
		assertThat(q.version()).isEqualTo(DhtNode.VERSION);
		InetSocketAddress requester = new InetSocketAddress(InetAddress.getByName("124.31.75.21"), 6881);
		Krpc.Response r = (Krpc.Response) Krpc.decode(Krpc.response(AA, args("id", ID_M), requester, null));
		assertThat(r.ip()).isEqualTo(requester);
	}

	@Test
	void envelopeErrors() {
		// not a dictionary, no transaction id: dropped (no tid to answer to)
		assertThatThrownBy(() -> Krpc.decode(ascii("le"))).isInstanceOf(KrpcException.class)
			.satisfies((ex) -> assertThat(((KrpcException) ex).transactionId()).isNull());
		assertThatThrownBy(() -> Krpc.decode(ascii("d1:y1:qe"))).isInstanceOf(KrpcException.class)
			.satisfies((ex) -> assertThat(((KrpcException) ex).transactionId()).isNull());
		// a query with a tid but no arguments: answerable with a 203
		assertThatThrownBy(() -> Krpc.decode(ascii("d1:q4:ping1:t2:aa1:y1:qe"))).isInstanceOf(KrpcException.class)
			.satisfies((ex) -> {
				assertThat(((KrpcException) ex).transactionId()).isEqualTo(AA);
				assertThat(((KrpcException) ex).code()).isEqualTo(203);
			});
		// a response without a 20-byte id
		assertThatThrownBy(() -> Krpc.decode(ascii("d1:rd2:id3:abce1:t2:aa1:y1:re"))).isInstanceOf(KrpcException.class);
		// an overlong transaction id
		assertThatThrownBy(() -> Krpc.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t17:aaaaaaaaaaaaaaaaa1:y1:qe")))
			.isInstanceOf(KrpcException.class);
		// unknown type
		assertThatThrownBy(() -> Krpc.decode(ascii("d1:t2:aa1:y1:xe"))).isInstanceOf(KrpcException.class);
	}

	// --- QueryHandler ------------------------------------------------------------------------------------------

	private static final class FakeNode implements QueryHandler.Node {

		final NodeId self = NodeId.of(ID_M);

		final RoutingTable table = new RoutingTable(this.self, 8, true, (contact) -> true, 0);

		long now = 1_000_000;

		@Override
		public NodeId selfId() {
			return this.self;
		}

		@Override
		public RoutingTable table() {
			return this.table;
		}

		@Override
		public boolean ipv6() {
			return false;
		}

		@Override
		public long nowMillis() {
			return this.now;
		}

	}

	private final FakeNode node = new FakeNode();

	private final QueryHandler handler = new QueryHandler(this.node,
			new TokenManager(Clock.systemUTC(), new SecureRandom()), new PeerStore(100, 100), 50, new Random(1));

	private final InetSocketAddress requester = new InetSocketAddress("127.0.0.5", 4000);

	private Map<String, Object> answer(String method, Map<String, Object> args) throws Exception {
		return this.handler.answer((Krpc.Query) Krpc.decode(Krpc.query(AA, method, args, false, null)), this.requester);
	}

	@Test
	void answersPingFindNodeGetPeersAndAnnounce() throws Exception {
		for (int i = 1; i <= 20; i++) {
			this.node.table.responded(new Contact(NodeId.random(new Random(i)),
					new InetSocketAddress("127.0.1." + i, 6881)), this.node.now);
		}
		assertThat(answer("ping", args("id", ID_A))).containsOnlyKeys("id");
		Map<String, Object> found = answer("find_node", args("id", ID_A, "target", ID_A));
		assertThat(Compact.parseNodes((byte[]) found.get("nodes"), false)).hasSize(8);
		assertThat(found).doesNotContainKey("nodes6");

		Map<String, Object> noPeers = answer("get_peers", args("id", ID_A, "info_hash", ID_A));
		assertThat(noPeers).containsKeys("token", "nodes").doesNotContainKey("values");
		byte[] token = (byte[]) noPeers.get("token");

		assertThat(answer("announce_peer", args("id", ID_A, "info_hash", ID_A, "port", 7000L, "token", token)))
			.containsOnlyKeys("id");
		assertThat(answer("announce_peer", args("id", ID_A, "info_hash", ID_A, "port", 1L, "implied_port", 1L,
				"token", token))).containsOnlyKeys("id");
		Map<String, Object> peers = answer("get_peers", args("id", ID_A, "info_hash", ID_A));
		assertThat(peers).containsKeys("token", "values").doesNotContainKey("nodes");
		assertThat((List<?>) peers.get("values")).extracting((value) -> Compact.parsePeer((byte[]) value))
			.containsExactlyInAnyOrder(new InetSocketAddress("127.0.0.5", 7000), new InetSocketAddress("127.0.0.5",
					4000));
	}

	@Test
	void rejectsBadArgumentsWith203And204() {
		assertError(() -> answer("ping", args()), 203);
		assertError(() -> answer("ping", args("id", "short")), 203);
		assertError(() -> answer("find_node", args("id", ID_A)), 203);
		assertError(() -> answer("get_peers", args("id", ID_A, "info_hash", 5L)), 203);
		assertError(() -> answer("announce_peer", args("id", ID_A, "info_hash", ID_A, "port", 7000L, "token",
				"wrongtok")), 203);
		assertError(() -> answer("announce_peer", args("id", ID_A, "info_hash", ID_A, "port", 70000L, "token",
				"wrongtok")), 203);
		assertError(() -> answer("announce_peer", args("id", ID_A, "info_hash", ID_A, "token", "x")), 203);
		assertError(() -> answer("vote", args("id", ID_A)), 204);
	}

	@Test
	void tokenFromAnotherIpIsRejected() throws Exception {
		byte[] token = (byte[]) answer("get_peers", args("id", ID_A, "info_hash", ID_A)).get("token");
		Krpc.Query announce = (Krpc.Query) Krpc.decode(Krpc.query(AA, "announce_peer", args("id", ID_A, "info_hash",
				ID_A, "port", 7000L, "token", token), false, null));
		assertThatThrownBy(() -> this.handler.answer(announce, new InetSocketAddress("127.0.0.6", 4000)))
			.isInstanceOf(KrpcException.class).hasMessageContaining("token");
	}

	private interface Call {

		Object run() throws Exception;

	}

	private static void assertError(Call call, int code) {
		assertThatThrownBy(call::run).isInstanceOf(KrpcException.class)
			.satisfies((ex) -> assertThat(((KrpcException) ex).code()).isEqualTo(code))
			.satisfies((ex) -> assertThat(((KrpcException) ex).transactionId()).isEqualTo(AA));
	}

}
