package io.librats.dht;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KRPC messages (BEP 5) with the extensions we speak: BEP 32 ({@code nodes6}, {@code want}), BEP 42 ({@code ip}
 * in responses) and BEP 43 ({@code ro} in queries). {@link #decode(byte[])} validates the envelope; the arguments
 * of a query are validated by whoever answers it, through the typed readers here.
 */
final class Krpc {

	static final int ERROR_GENERIC = 201;

	static final int ERROR_SERVER = 202;

	static final int ERROR_PROTOCOL = 203;

	static final int ERROR_METHOD_UNKNOWN = 204;

	/** Longest transaction id we accept (and therefore echo). Real clients use 2 to 4 bytes. */
	static final int MAX_TRANSACTION_ID = 16;

	/** Longest error text we accept or send. */
	static final int MAX_ERROR_TEXT = 128;

	static final String PING = "ping";

	static final String FIND_NODE = "find_node";

	static final String GET_PEERS = "get_peers";

	static final String ANNOUNCE_PEER = "announce_peer";

	private Krpc() {
	}

	/** One decoded message. */
	sealed interface Message permits Query, Response, Error {

		byte[] transactionId();

		/** The sender's client version ({@code v}), or {@code null}. */
		byte[] version();

	}

	/** A query: {@code y=q}. {@code readOnly} is the BEP 43 {@code ro} flag. */
	record Query(byte[] transactionId, String method, Map<String, Object> args, boolean readOnly, byte[] version)
			implements Message {
	}

	/**
	 * A response: {@code y=r}. {@code id} is the responder's id; {@code ip} is our address as the responder saw it
	 * (BEP 42), or {@code null}.
	 */
	record Response(byte[] transactionId, NodeId id, Map<String, Object> values, InetSocketAddress ip, byte[] version)
			implements Message {
	}

	/** An error: {@code y=e}. */
	record Error(byte[] transactionId, long code, String text, byte[] version) implements Message {
	}

	// --- decoding ----------------------------------------------------------------------------------------------

	static Message decode(byte[] packet) throws BencodeException, KrpcException {
		Object root = Bencode.decode(packet);
		if (!(root instanceof Map<?, ?> rawMap)) {
			throw new KrpcException(ERROR_PROTOCOL, "message is not a dictionary", null);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> map = (Map<String, Object>) rawMap;
		byte[] tid = (map.get("t") instanceof byte[] t) ? t : null;
		if (tid == null || tid.length == 0 || tid.length > MAX_TRANSACTION_ID) {
			throw new KrpcException(ERROR_PROTOCOL, "missing or bad transaction id", null);
		}
		byte[] version = (map.get("v") instanceof byte[] v) ? v : null;
		String type = (map.get("y") instanceof byte[] y) ? ascii(y) : null;
		if ("q".equals(type)) {
			Object method = map.get("q");
			if (!(method instanceof byte[] methodBytes) || methodBytes.length > 32) {
				throw new KrpcException(ERROR_PROTOCOL, "missing method name", tid);
			}
			if (!(map.get("a") instanceof Map<?, ?> args)) {
				throw new KrpcException(ERROR_PROTOCOL, "missing arguments", tid);
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> typed = (Map<String, Object>) args;
			boolean readOnly = map.get("ro") instanceof Long ro && ro == 1;
			return new Query(tid, ascii(methodBytes), typed, readOnly, version);
		}
		if ("r".equals(type)) {
			if (!(map.get("r") instanceof Map<?, ?> values)) {
				throw new KrpcException(ERROR_PROTOCOL, "response without values", null);
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> typed = (Map<String, Object>) values;
			if (!(typed.get("id") instanceof byte[] id) || id.length != NodeId.LENGTH) {
				throw new KrpcException(ERROR_PROTOCOL, "response without a node id", null);
			}
			InetSocketAddress ip = (map.get("ip") instanceof byte[] ipBytes) ? Compact.parsePeer(ipBytes) : null;
			return new Response(tid, NodeId.of(id), typed, ip, version);
		}
		if ("e".equals(type)) {
			if (!(map.get("e") instanceof List<?> error) || error.size() < 2 || !(error.get(0) instanceof Long code)
					|| !(error.get(1) instanceof byte[] text)) {
				throw new KrpcException(ERROR_PROTOCOL, "malformed error", null);
			}
			return new Error(tid, code, new String(text, 0, Math.min(text.length, MAX_ERROR_TEXT),
					StandardCharsets.UTF_8), version);
		}
		throw new KrpcException(ERROR_PROTOCOL, "unknown message type", null);
	}

	private static String ascii(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	// --- typed argument readers (throw a 203 for the query being answered) ----------------------------------

	static NodeId requireId(Query query, String key) throws KrpcException {
		if (!(query.args().get(key) instanceof byte[] bytes) || bytes.length != NodeId.LENGTH) {
			throw new KrpcException(ERROR_PROTOCOL, "missing or malformed '" + key + "'", query.transactionId());
		}
		return NodeId.of(bytes);
	}

	static byte[] requireBytes(Query query, String key, int maxLength) throws KrpcException {
		if (!(query.args().get(key) instanceof byte[] bytes) || bytes.length == 0 || bytes.length > maxLength) {
			throw new KrpcException(ERROR_PROTOCOL, "missing or malformed '" + key + "'", query.transactionId());
		}
		return bytes;
	}

	/** An integer argument, or {@code defaultValue} when absent; a non-integer is a 203. */
	static long optionalLong(Query query, String key, long defaultValue) throws KrpcException {
		Object value = query.args().get(key);
		if (value == null) {
			return defaultValue;
		}
		if (!(value instanceof Long number)) {
			throw new KrpcException(ERROR_PROTOCOL, "malformed '" + key + "'", query.transactionId());
		}
		return number;
	}

	/** BEP 32 {@code want}: which of "n4"/"n6" the querier asked for; empty when absent or malformed. */
	static List<String> want(Query query) {
		List<String> out = new ArrayList<>(2);
		if (query.args().get("want") instanceof List<?> list) {
			for (Object item : list) {
				if (item instanceof byte[] bytes && bytes.length == 2) {
					out.add(ascii(bytes));
				}
			}
		}
		return out;
	}

	// --- encoding ----------------------------------------------------------------------------------------------

	static byte[] query(byte[] tid, String method, Map<String, Object> args, boolean readOnly, byte[] version) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("t", tid);
		message.put("y", "q");
		message.put("q", method);
		message.put("a", args);
		if (readOnly) {
			message.put("ro", 1L);
		}
		if (version != null) {
			message.put("v", version);
		}
		return Bencode.encode(message);
	}

	/** A response; {@code requester} is echoed as {@code ip} (BEP 42) when not {@code null}. */
	static byte[] response(byte[] tid, Map<String, Object> values, InetSocketAddress requester, byte[] version) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("t", tid);
		message.put("y", "r");
		message.put("r", values);
		if (requester != null) {
			message.put("ip", Compact.peer(requester));
		}
		if (version != null) {
			message.put("v", version);
		}
		return Bencode.encode(message);
	}

	static byte[] error(byte[] tid, int code, String text, byte[] version) {
		String bounded = (text.length() > MAX_ERROR_TEXT) ? text.substring(0, MAX_ERROR_TEXT) : text;
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("t", tid);
		message.put("y", "e");
		message.put("e", List.of((long) code, bounded));
		if (version != null) {
			message.put("v", version);
		}
		return Bencode.encode(message);
	}

}
