package org.xenproject.eliloader.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The JSON codec of the local VM store and the reports: strict input, plain trees, order kept. */
class JsonTreeTest {
    private static Object parse(String text) throws Exception {
        return JsonTree.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsPlainTreesKeepingTheOrderOfNames() throws Exception {
        Object tree = parse("{\"z\": 1, \"a\": [true, null, \"x\\u00e9\", 2.5, -7, 12345678901234], \"m\": {}}");
        assertThat(tree).isInstanceOf(LinkedHashMap.class);
        Map<?, ?> map = (Map<?, ?>) tree;
        assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("z", "a", "m"));
        assertThat(map.get("z")).isEqualTo(1L);
        assertThat(map.get("a")).isEqualTo(java.util.Arrays.asList(true, null, "xé", 2.5, -7L, 12345678901234L));
        assertThat(map.get("m")).isEqualTo(Map.of());
    }

    @Test
    void writesWhatItReadsBack() throws Exception {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("b", List.of("x\n\"y\"", 3L, false));
        tree.put("a", null);
        tree.put("c", Map.of("d", 1.5));
        String pretty = JsonTree.write(tree, true);
        assertThat(pretty).startsWith("{\n  \"b\": [\n");
        assertThat(parse(pretty)).isEqualTo(tree);
        assertThat(JsonTree.write(tree, false)).isEqualTo("{\"b\":[\"x\\n\\\"y\\\"\",3,false],\"a\":null,\"c\":{\"d\":1.5}}");
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String bad : List.of("{\"a\": 1} trailing", "{a: 1}", "{'a': 1}", "{\"a\": NaN}", "// c\n{}",
                "{\"a\": 1,}", "[1 2]", "", "{\"a\": \"unterminated}")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(JsonTree.MalformedJson.class);
        }
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] latin1 = "{\"a\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> JsonTree.parse(latin1)).isInstanceOf(JsonTree.MalformedJson.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void refusesNestingDeeperThanTheReadersLimitWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(JsonTree.MalformedJson.class);
    }

    @Test
    void aValueWithNoJsonFormIsABug() {
        assertThatThrownBy(() -> JsonTree.write(Map.of("x", new Object()), false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
