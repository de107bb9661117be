package io.librats.spring.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.ParameterizedTypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

class RatsPayloadConverterTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RatsPayloadConverter converter = new RatsPayloadConverter(this.mapper);

	record Point(int x, int y) {
	}

	@Test
	void jsonNodeTargetsGetThePayloadItself() {
		ObjectNode node = this.mapper.createObjectNode().put("x", 1);
		assertThat(this.converter.convert(node, JsonNode.class)).isSameAs(node);
		assertThat(this.converter.convert(node, ObjectNode.class)).isSameAs(node);
		assertThat(this.converter.convert(node, Object.class)).isSameAs(node);
	}

	@Test
	void stringTargetsGetTheTextOfAStringOrTheDocument() {
		assertThat(this.converter.convert(this.mapper.valueToTree("plain"), String.class)).isEqualTo("plain");
		assertThat(this.converter.convert(this.mapper.valueToTree(Map.of("a", 1)), String.class)).isEqualTo("{\"a\":1}");
		assertThat(this.converter.convert(this.mapper.valueToTree(42), String.class)).isEqualTo("42");
	}

	@Test
	void byteArrayTargetsGetBase64ContentOrTheDocumentBytes() {
		byte[] bytes = { 0, 1, 2, (byte) 0xff };
		// what a sender's byte[] becomes on the wire
		JsonNode sent = this.mapper.readTree(this.mapper.writeValueAsBytes(bytes));
		assertThat((byte[]) this.converter.convert(sent, byte[].class)).containsExactly(bytes);
		assertThat((byte[]) this.converter.convert(this.mapper.valueToTree(List.of(1, 2)), byte[].class))
			.isEqualTo("[1,2]".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void recordsAndGenericTypesBind() {
		JsonNode points = this.mapper.valueToTree(List.of(Map.of("x", 1, "y", 2), Map.of("x", 3, "y", 4)));
		Object converted = this.converter.convert(points, new ParameterizedTypeReference<List<Point>>() {
		}.getType());
		assertThat(converted).isEqualTo(List.of(new Point(1, 2), new Point(3, 4)));
		assertThat(this.converter.convert(NullNode.getInstance(), Point.class)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"not base64 at all!\"", "{\"x\":\"secret-value\",\"y\":2}", "[1,2]", "true" })
	void mismatchesFailWithoutQuotingThePayload(String json) {
		JsonNode payload = this.mapper.readTree(json);
		Class<?> target = json.startsWith("\"") ? byte[].class : Point.class;
		assertThatIllegalArgumentException().isThrownBy(() -> this.converter.convert(payload, target))
			.withMessageStartingWith("cannot convert the payload to ")
			.withMessageNotContaining("secret-value")
			.withNoCause();
	}

	/** Random documents against several targets: a result or an IllegalArgumentException, nothing else. */
	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void randomDocumentsNeverFailOtherwise(long seed) {
		Random random = new Random(seed);
		List<java.lang.reflect.Type> targets = List.of(Point.class, String.class, byte[].class, int.class,
				new ParameterizedTypeReference<Map<String, List<Point>>>() {
				}.getType(), JsonNode.class);
		int converted = 0;
		int refused = 0;
		for (int i = 0; i < 200; i++) {
			JsonNode document = randomNode(random, 3);
			for (java.lang.reflect.Type target : targets) {
				Throwable thrown = catchThrowable(() -> this.converter.convert(document, target));
				if (thrown == null) {
					converted++;
				}
				else {
					assertThat(thrown).as("%s as %s", document, target)
						.isExactlyInstanceOf(IllegalArgumentException.class);
					refused++;
				}
			}
		}
		assertThat(converted).isPositive();
		assertThat(refused).isPositive();
	}

	private static JsonNode randomNode(Random random, int depth) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		int kind = random.nextInt((depth > 0) ? 8 : 6);
		return switch (kind) {
			case 0 -> nodes.nullNode();
			case 1 -> nodes.booleanNode(random.nextBoolean());
			case 2 -> nodes.numberNode(random.nextInt());
			case 3 -> nodes.numberNode(random.nextDouble() * 1e6);
			case 4 -> nodes.stringNode(Integer.toString(random.nextInt(1000)));
			case 5 -> nodes.stringNode(randomText(random));
			case 6 -> {
				ArrayNode array = nodes.arrayNode();
				for (int i = random.nextInt(4); i > 0; i--) {
					array.add(randomNode(random, depth - 1));
				}
				yield array;
			}
			default -> {
				ObjectNode object = nodes.objectNode();
				String[] names = { "x", "y", "z", "points" };
				for (int i = random.nextInt(4); i > 0; i--) {
					object.set(names[random.nextInt(names.length)], randomNode(random, depth - 1));
				}
				yield object;
			}
		};
	}

	private static String randomText(Random random) {
		char[] chars = new char[random.nextInt(12)];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) (32 + random.nextInt(95));
		}
		return new String(chars);
	}

}
