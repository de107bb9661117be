package io.librats.dht;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class BencodeTest {

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static Object decode(String text) throws BencodeException {
		return Bencode.decode(ascii(text));
	}

	private static String text(Object bytes) {
		return new String((byte[]) bytes, StandardCharsets.ISO_8859_1);
	}

	// --- the examples of BEP 3 ---------------------------------------------------------------------------------

	@Test
	void bep3Strings() throws Exception {
		assertThat(text(decode("4:spam"))).isEqualTo("spam");
		assertThat(text(decode("0:"))).isEmpty();
		assertThat(Bencode.encode("spam")).isEqualTo(ascii("4:spam"));
	}

	@Test
	void bep3Integers() throws Exception {
		assertThat(decode("i3e")).isEqualTo(3L);
		assertThat(decode("i-3e")).isEqualTo(-3L);
		assertThat(decode("i0e")).isEqualTo(0L);
		assertThat(decode("i9223372036854775807e")).isEqualTo(Long.MAX_VALUE);
		assertThat(decode("i-9223372036854775808e")).isEqualTo(Long.MIN_VALUE);
		assertThat(Bencode.encode(3L)).isEqualTo(ascii("i3e"));
		assertThat(Bencode.encode(-3)).isEqualTo(ascii("i-3e"));
	}

	@Test
	void bep3Lists() throws Exception {
		List<?> list = (List<?>) decode("l4:spam4:eggse");
		assertThat(list).hasSize(2);
		assertThat(text(list.get(0))).isEqualTo("spam");
		assertThat(text(list.get(1))).isEqualTo("eggs");
		assertThat(Bencode.encode(List.of("spam", "eggs"))).isEqualTo(ascii("l4:spam4:eggse"));
		assertThat((List<?>) decode("le")).isEmpty();
	}

	@Test
	void bep3Dictionaries() throws Exception {
		@SuppressWarnings("unchecked")
		Map<String, Object> cow = (Map<String, Object>) decode("d3:cow3:moo4:spam4:eggse");
		assertThat(cow.keySet()).containsExactly("cow", "spam");
		assertThat(text(cow.get("cow"))).isEqualTo("moo");
		Map<?, ?> spam = (Map<?, ?>) decode("d4:spaml1:a1:bee");
		List<String> items = new ArrayList<>();
		for (Object item : (List<?>) spam.get("spam")) {
			items.add(text(item));
		}
		assertThat(items).containsExactly("a", "b");
		// encoding sorts keys whatever the map's order
		Map<String, Object> unordered = new LinkedHashMap<>();
		unordered.put("spam", "eggs");
		unordered.put("cow", "moo");
		assertThat(Bencode.encode(unordered)).isEqualTo(ascii("d3:cow3:moo4:spam4:eggse"));
		assertThat(Bencode.encode(Map.of("spam", List.of("a", "b")))).isEqualTo(ascii("d4:spaml1:a1:bee"));
	}

	@Test
	void keysAreRawBytesInUnsignedOrder() throws Exception {
		// 0x7f sorts before 0x80: unsigned byte order, which ISO-8859-1 strings preserve
		byte[] data = { 'd', '1', ':', 0x7f, 'i', '1', 'e', '1', ':', (byte) 0x80, 'i', '2', 'e', 'e' };
		Map<?, ?> map = (Map<?, ?>) Bencode.decode(data);
		assertThat(map).hasSize(2);
		assertThat(Bencode.encode(map)).isEqualTo(data);
		byte[] reversed = { 'd', '1', ':', (byte) 0x80, 'i', '2', 'e', '1', ':', 0x7f, 'i', '1', 'e', 'e' };
		assertThatThrownBy(() -> Bencode.decode(reversed)).isInstanceOf(BencodeException.class)
			.hasMessageContaining("sorted");
	}

	@Test
	void binaryStringsRoundTrip() throws Exception {
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		assertThat((byte[]) Bencode.decode(Bencode.encode(binary))).isEqualTo(binary);
	}

	// --- malformed input: always a BencodeException ------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "", "x", "i", "ie", "i-e", "i-0e", "i03e", "i00e", "i-03e", "i3", "i3x", "i+3e", "i 3e",
			"i9223372036854775808e", "i-9223372036854775809e", "i99999999999999999999e", "4:spa", "4spam", "-1:a",
			"03:abc", "1234567890:a", ":a", "l", "l4:spam", "d", "d3:cow", "d3:cowe", "di1e3:fooe",
			"d4:spam4:eggs3:cow3:mooe", "d3:cow3:moo3:cow3:mooe", "i1ei2e", "4:spam4:eggs", "le ", "dee", "lee",
			"d1:a", "e", "0:0:" })
	void malformedInputIsRejectedWithBencodeException(String input) {
		assertThatThrownBy(() -> decode(input)).isInstanceOf(BencodeException.class);
	}

	@Test
	void nestingIsBounded() throws Exception {
		String ok = "l".repeat(Bencode.MAX_DEPTH) + "e".repeat(Bencode.MAX_DEPTH);
		assertThat(decode(ok)).isInstanceOf(List.class);
		String deep = "l".repeat(Bencode.MAX_DEPTH + 1) + "e".repeat(Bencode.MAX_DEPTH + 1);
		assertThatThrownBy(() -> decode(deep)).isInstanceOf(BencodeException.class).hasMessageContaining("nesting");
		String veryDeep = "l".repeat(100_000);
		assertThatThrownBy(() -> decode(veryDeep)).isInstanceOf(BencodeException.class);
		String deepDicts = "d1:a".repeat(1000);
		assertThatThrownBy(() -> decode(deepDicts)).isInstanceOf(BencodeException.class);
	}

	@Test
	void errorsNameTheOffset() {
		assertThatThrownBy(() -> decode("l4:spami03ee")).isInstanceOf(BencodeException.class)
			.hasMessageContaining("leading zero")
			.hasMessageContaining("offset 7");
		assertThatThrownBy(() -> decode("i1ei2e")).hasMessageContaining("trailing");
	}

	@Test
	void encoderRefusesWhatBencodeCannotHold() {
		assertThatThrownBy(() -> Bencode.encode(1.5)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> Bencode.encode(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> Bencode.encode(Map.of("\u20ac", 1))).isInstanceOf(IllegalArgumentException.class);
	}

	/** Random bytes and mutations of valid messages: a value or a BencodeException, never anything else. */
	@Test
	void randomAndMutatedInputNeverThrowsAnythingElse() {
		Random random = new Random(42);
		List<byte[]> seeds = new ArrayList<>();
		seeds.add(ascii("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"));
		seeds.add(ascii("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"));
		seeds.add(ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
		int decoded = 0;
		for (int i = 0; i < 50_000; i++) {
			byte[] input;
			if (i % 2 == 0) {
				input = new byte[random.nextInt(64)];
				for (int j = 0; j < input.length; j++) {
					input[j] = (byte) "dile:0123456789-x".charAt(random.nextInt(17));
				}
			}
			else {
				input = seeds.get(random.nextInt(seeds.size())).clone();
				int mutations = 1 + random.nextInt(3);
				for (int m = 0; m < mutations; m++) {
					input[random.nextInt(input.length)] = (byte) random.nextInt(256);
				}
			}
			try {
				Object value = Bencode.decode(input);
				assertThat(Bencode.encode(value)).as("canonical round trip").isEqualTo(input);
				decoded++;
			}
			catch (BencodeException expected) {
				// fine
			}
			catch (RuntimeException ex) {
				fail("input " + new String(input, StandardCharsets.ISO_8859_1) + " threw " + ex, ex);
			}
		}
		assertThat(decoded).isPositive();
	}

}
