package io.librats.dht;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict bencode (BEP 3). Values are {@link Long} (integers), {@code byte[]} (strings), {@link List} (lists) and
 * {@link Map} with {@link String} keys (dictionaries). Dictionary keys are byte strings; they are represented as
 * ISO-8859-1 strings, which map each byte to the char of the same value, so the natural {@code String} order is the
 * raw byte order BEP 3 requires.
 *
 * <p>Decoding accepts only the canonical form and exactly one value: trailing bytes, integers with leading zeros or
 * {@code -0}, empty or out-of-range integers, strings with non-canonical or overlong lengths, dictionary keys that
 * are not strictly ascending (unsorted or duplicate), non-string keys and nesting deeper than {@link #MAX_DEPTH} are
 * all rejected with a {@link BencodeException}; nothing else is thrown for any input.
 *
 * <p>Encoding accepts {@link Long}, {@link Integer}, {@code byte[]}, {@link String} (UTF-8), {@link List} and
 * {@link Map} with string keys (ISO-8859-1; encoded in sorted order); anything else is a programming error
 * ({@link IllegalArgumentException}).
 */
final class Bencode {

	/** Deepest nesting of lists and dictionaries accepted (KRPC needs 3). */
	static final int MAX_DEPTH = 32;

	private Bencode() {
	}

	// --- decoding ----------------------------------------------------------------------------------------------

	static Object decode(byte[] data) throws BencodeException {
		return decode(data, 0, data.length);
	}

	/** Decodes exactly one value occupying {@code data[offset, offset + length)}. */
	static Object decode(byte[] data, int offset, int length) throws BencodeException {
		if (offset < 0 || length < 0 || offset + length > data.length || offset + length < 0) {
			throw new IllegalArgumentException("bad range");
		}
		Decoder decoder = new Decoder(data, offset, offset + length);
		if (length == 0) {
			throw new BencodeException("empty input", offset);
		}
		Object value = decoder.value(0);
		if (decoder.pos != decoder.end) {
			throw new BencodeException("trailing data after the value", decoder.pos);
		}
		return value;
	}

	private static final class Decoder {

		private final byte[] data;

		private final int end;

		private int pos;

		Decoder(byte[] data, int start, int end) {
			this.data = data;
			this.pos = start;
			this.end = end;
		}

		Object value(int depth) throws BencodeException {
			int c = peek();
			if (c == 'i') {
				return integer();
			}
			if (c == 'l') {
				return list(depth + 1);
			}
			if (c == 'd') {
				return dictionary(depth + 1);
			}
			if (c >= '0' && c <= '9') {
				return string();
			}
			throw new BencodeException("unexpected byte 0x" + Integer.toHexString(c), this.pos);
		}

		private int peek() throws BencodeException {
			if (this.pos >= this.end) {
				throw new BencodeException("truncated input", this.pos);
			}
			return this.data[this.pos] & 0xff;
		}

		private Long integer() throws BencodeException {
			int start = this.pos;
			this.pos++; // 'i'
			boolean negative = false;
			if (peek() == '-') {
				negative = true;
				this.pos++;
			}
			int digitsStart = this.pos;
			long value = 0;
			while (peek() != 'e') {
				int c = peek();
				if (c < '0' || c > '9') {
					throw new BencodeException("non-digit in integer", this.pos);
				}
				int digit = c - '0';
				// accumulate negatively so Long.MIN_VALUE is representable
				if (value < (Long.MIN_VALUE + digit) / 10) {
					throw new BencodeException("integer out of range", start);
				}
				value = value * 10 - digit;
				this.pos++;
			}
			int digits = this.pos - digitsStart;
			if (digits == 0) {
				throw new BencodeException("empty integer", start);
			}
			if (this.data[digitsStart] == '0' && (digits > 1 || negative)) {
				throw new BencodeException(negative ? "negative zero" : "leading zero in integer", start);
			}
			this.pos++; // 'e'
			if (!negative) {
				if (value == Long.MIN_VALUE) {
					throw new BencodeException("integer out of range", start);
				}
				value = -value;
			}
			return value;
		}

		private byte[] string() throws BencodeException {
			int start = this.pos;
			int length = 0;
			while (peek() != ':') {
				int c = peek();
				if (c < '0' || c > '9') {
					throw new BencodeException("non-digit in string length", this.pos);
				}
				if (this.pos - start >= 9) {
					throw new BencodeException("string length too long", start);
				}
				length = length * 10 + (c - '0');
				this.pos++;
			}
			if (this.data[start] == '0' && this.pos - start > 1) {
				throw new BencodeException("leading zero in string length", start);
			}
			this.pos++; // ':'
			if (length > this.end - this.pos) {
				throw new BencodeException("string of " + length + " bytes exceeds the input", start);
			}
			byte[] value = new byte[length];
			System.arraycopy(this.data, this.pos, value, 0, length);
			this.pos += length;
			return value;
		}

		private List<Object> list(int depth) throws BencodeException {
			checkDepth(depth);
			this.pos++; // 'l'
			List<Object> list = new ArrayList<>();
			while (peek() != 'e') {
				list.add(value(depth));
			}
			this.pos++;
			return Collections.unmodifiableList(list);
		}

		private Map<String, Object> dictionary(int depth) throws BencodeException {
			checkDepth(depth);
			this.pos++; // 'd'
			TreeMap<String, Object> map = new TreeMap<>();
			String previous = null;
			while (peek() != 'e') {
				int keyStart = this.pos;
				int c = peek();
				if (c < '0' || c > '9') {
					throw new BencodeException("dictionary key is not a string", keyStart);
				}
				String key = new String(string(), StandardCharsets.ISO_8859_1);
				if (previous != null && key.compareTo(previous) <= 0) {
					throw new BencodeException(key.equals(previous) ? "duplicate dictionary key"
							: "dictionary keys not in sorted order", keyStart);
				}
				previous = key;
				map.put(key, value(depth));
			}
			this.pos++;
			return Collections.unmodifiableMap(map);
		}

		private void checkDepth(int depth) throws BencodeException {
			if (depth > MAX_DEPTH) {
				throw new BencodeException("nesting deeper than " + MAX_DEPTH, this.pos);
			}
		}

	}

	// --- encoding ----------------------------------------------------------------------------------------------

	static byte[] encode(Object value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		encode(value, out, 0);
		return out.toByteArray();
	}

	private static void encode(Object value, ByteArrayOutputStream out, int depth) {
		if (depth > MAX_DEPTH) {
			throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH);
		}
		if (value instanceof Long || value instanceof Integer) {
			ascii(out, "i" + value + "e");
		}
		else if (value instanceof byte[] bytes) {
			string(out, bytes);
		}
		else if (value instanceof String text) {
			string(out, text.getBytes(StandardCharsets.UTF_8));
		}
		else if (value instanceof List<?> list) {
			out.write('l');
			for (Object item : list) {
				encode(item, out, depth + 1);
			}
			out.write('e');
		}
		else if (value instanceof Map<?, ?> map) {
			TreeMap<String, Object> sorted = new TreeMap<>();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!(entry.getKey() instanceof String key) || !isLatin1(key)) {
					throw new IllegalArgumentException("dictionary key must be an ISO-8859-1 string: " + entry.getKey());
				}
				sorted.put(key, entry.getValue());
			}
			out.write('d');
			for (Map.Entry<String, Object> entry : sorted.entrySet()) {
				string(out, entry.getKey().getBytes(StandardCharsets.ISO_8859_1));
				encode(entry.getValue(), out, depth + 1);
			}
			out.write('e');
		}
		else {
			throw new IllegalArgumentException("cannot bencode " + ((value == null) ? "null" : value.getClass()));
		}
	}

	private static boolean isLatin1(String key) {
		for (int i = 0; i < key.length(); i++) {
			if (key.charAt(i) > 0xff) {
				return false;
			}
		}
		return true;
	}

	private static void string(ByteArrayOutputStream out, byte[] bytes) {
		ascii(out, bytes.length + ":");
		out.write(bytes, 0, bytes.length);
	}

	private static void ascii(ByteArrayOutputStream out, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		out.write(bytes, 0, bytes.length);
	}

}
