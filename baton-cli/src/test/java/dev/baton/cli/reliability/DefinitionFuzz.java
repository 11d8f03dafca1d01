package dev.baton.cli.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Structured fuzzing of workflow definitions: the article's A → (B ‖ C) → D as a YAML skeleton whose every field is
 * either left valid or replaced by something hostile (a wrong type, a hostile string, an absurd number or duration, an
 * unknown or cyclic reference, deep nesting, a YAML alias or tag, garbage in a condition or mapping), plus unknown
 * fields and removed lines. Most generated definitions are invalid in one or two places, so the reader's every
 * check is reached with the rest of the definition intact.
 */
final class DefinitionFuzz {
    private DefinitionFuzz() {}

    /** Text a rejection must never contain: a Java class name or a stack frame means an exception leaked out. */
    static final Pattern LEAKED_EXCEPTION = Pattern.compile(
            "(\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*(Exception|Error)\\b)|(\\n\\s+at [\\w.$]+\\()|(\\bException\\b:)");

    static Arbitrary<String> hostileValues() {
        Arbitrary<String> wrongTypes = Arbitraries.of(
                "42",
                "-1",
                "0",
                "true",
                "null",
                "~",
                "\"\"",
                "''",
                "3.14",
                "[]",
                "{}",
                "[a, b]",
                "{x: 1}",
                "{topic: [1]}",
                "[[A]]",
                "2147483648",
                "99999999999999999999999",
                "1e309",
                ".inf",
                ".nan",
                "0x1F",
                "-.inf");
        Arbitrary<String> hostileStrings = Arbitraries.of(
                "\"\\u0000\"",
                "\"\\t\\n\"",
                "\"../../etc/passwd\"",
                "\"${jndi:ldap://x/a}\"",
                "\"'; DROP TABLE steps; --\"",
                "\"\\u202Egnp.exe\"",
                "\"😀😀😀\"",
                "\"a b\"",
                "\" \"",
                "\"A\"",
                "\"$.steps.A.output\"",
                "\"name:with:colons\"",
                "\"#comment\"",
                "\"-\"",
                "\".\"",
                "\"a..b\"");
        Arbitrary<String> yamlSpecials = Arbitraries.of(
                "*alias",
                "&anchor x",
                "!!java.lang.Runtime []",
                "!!binary AAAA",
                "!custom x",
                "!!python/object:os.system [ls]",
                "? complex",
                "|\n    block",
                ">\n    folded",
                "@reserved",
                "`backtick`",
                "%directive",
                "[unclosed",
                "{unclosed: 1",
                "\"unclosed",
                "'unclosed",
                "- item",
                "a: b: c",
                "\t",
                "!!int \"x\"",
                "!!float abc");
        Arbitrary<String> longStrings =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(201).ofMaxLength(20_000);
        Arbitrary<String> anyStrings =
                Arbitraries.strings().all().ofMaxLength(40).map(s -> "\"" + escape(s) + "\"");
        Arbitrary<String> deep = Combinators.combine(
                        Arbitraries.integers().between(50, 3_000), Arbitraries.of("[", "{a: "))
                .as((depth, open) -> open.repeat(depth) + "x" + (open.equals("[") ? "]" : "}").repeat(depth));
        Arbitrary<String> durations = Arbitraries.of(
                "PT-1S",
                "PT0S",
                "P99999999999999D",
                "P3651D",
                "soon",
                "PT",
                "P1Y",
                "PT1.5S",
                "-PT1H",
                "PT9223372036854775807S",
                "P1DT",
                "1h",
                "PT1H ",
                "\"PT1H\"");
        Arbitrary<String> conditions = Arbitraries.of(
                "\"$.request.a ==\"",
                "\"((((\"",
                "\"$.request.a > 'x'\"",
                "\"&& ||\"",
                "\"$.steps.Z.output.a == 1\"",
                "\"!!!!!!!!$.request.a\"",
                "\"$.request.\"",
                "\"$..a\"",
                "\"$.request.a == 1e99999\"",
                "\"" + "(".repeat(500) + "$.request.a" + ")".repeat(500) + "\"",
                "\"$.request['a']\"",
                "\"null == null == null\"");
        Arbitrary<String> references =
                Arbitraries.of("[D]", "[B]", "[Z]", "[A, A]", "[C, D]", "D", "[\"\"]", "[null]", "[[B]]", "B");
        return Arbitraries.frequencyOf(
                Tuple.of(3, wrongTypes),
                Tuple.of(3, hostileStrings),
                Tuple.of(2, yamlSpecials),
                Tuple.of(1, longStrings),
                Tuple.of(2, anyStrings),
                Tuple.of(1, deep),
                Tuple.of(2, durations),
                Tuple.of(2, conditions),
                Tuple.of(2, references));
    }

    private static String escape(String s) {
        var b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** One field of the skeleton: its valid value, or (one time in three) a hostile one. */
    private static Arbitrary<String> field(String valid) {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(valid)), Tuple.of(3, hostileValues()));
    }

    /** Definitions: the skeleton with mutated fields, then perhaps an unknown field added or a line removed. */
    static Arbitrary<String> definitions() {
        List<Arbitrary<String>> fields = new ArrayList<>();
        for (String valid : List.of(
                "fuzzed", // 0 name
                "1", // 1 version
                "fuzzed.results", // 2 resultTopic
                "A", // 3 A.id
                "fuzz.a", // 4 A.topic
                "{ topic: fuzz.a }", // 5 A.compensate
                "PT30S", // 6 A.timeout
                "[A]", // 7 B.after
                "\"$.request.express == true\"", // 8 B.when
                "{ id: \"$.request.id\", previous: \"$.steps.A.output\" }", // 9 B.input
                "compensate", // 10 B.onFailure
                "[B, C]", // 11 D.after
                "fuzz.d")) { // 12 D.topic
            fields.add(field(valid));
        }
        Arbitrary<List<String>> values = Combinators.combine(fields).as(list -> list);
        Arbitrary<Integer> extraLine = Arbitraries.integers().between(-1, 25);
        Arbitrary<String> extraField = Arbitraries.of(
                "colour: blue",
                "afer: [A]",
                "steps: []",
                "id: again",
                "- id: E",
                "version: 2",
                "signal: go",
                "outcomeTopic: fuzz.out",
                "description: " + "d".repeat(300),
                "  nested: {deep: [1]}");
        Arbitrary<Integer> removeLine = Arbitraries.integers().between(-1, 25);
        return Combinators.combine(values, extraLine, extraField, removeLine).as((v, at, extra, remove) -> {
            String yaml = """
                    name: %s
                    version: %s
                    resultTopic: %s
                    steps:
                      - id: %s
                        topic: %s
                        compensate: %s
                        timeout: %s
                      - id: B
                        topic: fuzz.b
                        after: %s
                        when: %s
                        input: %s
                        onFailure: %s
                      - id: C
                        topic: fuzz.c
                        after: [A]
                      - id: D
                        after: %s
                        topic: %s
                    """.formatted(v.toArray());
            List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
            if (remove >= 0 && remove < lines.size()) {
                lines.remove((int) remove);
            }
            if (at >= 0 && at < lines.size()) {
                String indent =
                        lines.get(at).replaceAll("^(\\s*(- )?).*$", "$1").replace("-", " ");
                lines.add(at, indent + extra);
            }
            return String.join("\n", lines);
        });
    }
}
