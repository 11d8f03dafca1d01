package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class ConditionTest {

    /** Instance data as the engine passes it: the request, step outputs, the instance id and business key. */
    private static final Map<String, Object> DATA = data();

    private static Map<String, Object> data() {
        var request = new HashMap<String, Object>();
        request.put("int", 1);
        request.put("long", 1L);
        request.put("double", 1.0);
        request.put("decimal", new BigDecimal("1.00"));
        request.put("big", new BigInteger("100000000000000000000"));
        request.put("amount", new BigDecimal("25.50"));
        request.put("zero", 0);
        request.put("name", "Ada");
        request.put("empty", "");
        request.put("express", true);
        request.put("gift", false);
        request.put("nothing", null);
        request.put("items", List.of("book", "pen"));
        request.put("customer", Map.of("tier", "gold", "age", 37));
        return Map.of(
                "request",
                request,
                "steps",
                Map.of("charge", Map.of("output", Map.of("paymentId", "p-1", "approved", true))),
                "instanceId",
                "i-1",
                "businessKey",
                "o-1001");
    }

    private static boolean test(String condition) {
        return Condition.parse(condition).test(DATA);
    }

    @Test
    void shouldCompareNumbersByValue() {
        assertThat(test("$.request.int == 1")).isTrue();
        assertThat(test("$.request.long == 1")).isTrue();
        assertThat(test("$.request.double == 1")).isTrue();
        assertThat(test("$.request.decimal == 1")).isTrue();
        assertThat(test("$.request.int == 1.0")).isTrue();
        assertThat(test("$.request.int == $.request.decimal")).isTrue();
        assertThat(test("1 == 1.000")).isTrue();
        assertThat(test("1e2 == 100")).isTrue();
        assertThat(test("-1.5 < 0")).isTrue();
        assertThat(test("$.request.big > 99999999999999999999")).isTrue();
        assertThat(test("$.request.amount > 25.49 && $.request.amount <= 25.5")).isTrue();
        assertThat(test("$.request.amount >= 25.51")).isFalse();
        assertThat(test("$.request.int != 2")).isTrue();
        assertThat(test("$.request.customer.age < 40")).isTrue();
    }

    @Test
    void shouldNeverOrderANumberAgainstSomethingElse() {
        assertThat(test("$.request.int < 'b'")).isFalse();
        assertThat(test("$.request.int > 'b'")).isFalse();
        assertThat(test("$.request.int >= null")).isFalse();
        assertThat(test("$.request.missing < 1")).isFalse();
        assertThat(test("$.request.missing >= 1")).isFalse();
        assertThat(test("$.request.int == '1'")).as("a number is not its text").isFalse();
    }

    @Test
    void shouldCompareStrings() {
        assertThat(test("$.request.name == 'Ada'")).isTrue();
        assertThat(test("$.request.name == \"Ada\"")).isTrue();
        assertThat(test("$.request.name != 'ada'")).isTrue();
        assertThat(test("$.request.customer.tier == 'gold'")).isTrue();
        assertThat(test("'it\\'s' == \"it's\"")).isTrue();
        assertThat(test("'a' < 'b' && 'b' <= 'b' && 'c' > 'b'")).isTrue();
        assertThat(test("$.request['name'] == 'Ada'")).isTrue();
        assertThat(test("$.request.items[1] == 'pen'")).isTrue();
        assertThat(test("$.businessKey == 'o-1001' && $.instanceId == 'i-1'")).isTrue();
    }

    @Test
    void shouldCompareBooleansAndNull() {
        assertThat(test("$.request.express == true")).isTrue();
        assertThat(test("$.request.gift == false")).isTrue();
        assertThat(test("$.request.express == 'true'")).isFalse();
        assertThat(test("$.request.nothing == null")).isTrue();
        assertThat(test("$.request.missing == null")).isTrue();
        assertThat(test("$.request.name != null")).isTrue();
        assertThat(test("null == null")).isTrue();
        assertThat(test("$.steps.charge.output.approved == true")).isTrue();
    }

    @Test
    void shouldTreatABareOperandAsTrueUnlessItIsEmpty() {
        assertThat(test("$.request.express")).isTrue();
        assertThat(test("$.request.name")).isTrue();
        assertThat(test("$.request.items")).isTrue();
        assertThat(test("$.request.customer")).isTrue();
        assertThat(test("$.request.int")).isTrue();
        assertThat(test("$.request.gift")).isFalse();
        assertThat(test("$.request.zero")).isFalse();
        assertThat(test("$.request.empty")).isFalse();
        assertThat(test("$.request.nothing")).isFalse();
        assertThat(test("0.0")).isFalse();
        assertThat(test("null")).isFalse();
    }

    @Test
    void shouldCombineWithAndOrNotAndParentheses() {
        assertThat(test("true && false")).isFalse();
        assertThat(test("true || false")).isTrue();
        assertThat(test("!false")).isTrue();
        assertThat(test("!!true")).isTrue();
        assertThat(test("! ! ! true")).isFalse();
        assertThat(test("!$.request.gift && $.request.express")).isTrue();
        assertThat(test("!$.request.int == 1"))
                .as("! applies to the comparison")
                .isFalse();
        assertThat(test("true || false && false"))
                .as("&& binds tighter than ||")
                .isTrue();
        assertThat(test("(true || false) && false")).isFalse();
        assertThat(test("!(true && false)")).isTrue();
        assertThat(test("((($.request.int == 1)))")).isTrue();
        assertThat(test("false || false || false || true")).isTrue();
        assertThat(test("true && true && true && false")).isFalse();
        assertThat(test("$.request.express&&$.request.name=='Ada'||false"))
                .as("spaces are optional")
                .isTrue();
    }

    @Test
    void shouldReadAMissingPathAsNullAndThusFalse() {
        assertThat(test("$.request.missing")).isFalse();
        assertThat(test("$.request.missing.deeper.still")).isFalse();
        assertThat(test("$.request.items[5]")).isFalse();
        assertThat(test("$.request.items.name")).as("a field of a list").isFalse();
        assertThat(test("$.request.name[0]")).as("an index into a string").isFalse();
        assertThat(test("$.steps.ship.output.id")).as("a step that has not run").isFalse();
        assertThat(test("$.steps.ship.output.id == null")).isTrue();
        assertThat(Condition.parse("$.request.express").test(null)).isFalse();
        assertThat(Condition.parse("$.request.express").test(Map.of())).isFalse();
    }

    @Test
    void shouldListThePathsItReads() {
        Condition c = Condition.parse("$.request.a == 1 || ($.steps.charge.output.ok && !$.businessKey)");
        assertThat(c.paths())
                .extracting(DataPath::toString)
                .containsExactly("$.request.a", "$.steps.charge.output.ok", "$.businessKey");
        assertThat(c.paths().get(1).segments()).containsExactly("steps", "charge", "output", "ok");
        assertThat(Condition.parse("$.request.items[0]['odd key']")
                        .paths()
                        .get(0)
                        .segments())
                .containsExactly("request", "items", 0, "odd key");
    }

    @Test
    void shouldBeEqualByItsText() {
        assertThat(Condition.parse("$.request.a == 1"))
                .isEqualTo(Condition.parse("$.request.a == 1"))
                .hasSameHashCodeAs(Condition.parse("$.request.a == 1"))
                .hasToString("$.request.a == 1")
                .isNotEqualTo(Condition.parse("$.request.a==1"));
    }

    @Test
    void shouldNameTheColumnOfASyntaxError() {
        assertError("", "the condition is empty (at column 1)", 1);
        assertError("   ", "the condition is empty (at column 4)", 4);
        assertError("$.request.a ==", "expected a value, a path or '(' (at column 15)", 15);
        assertError("$.request.a = 1", "unexpected '=' (at column 13)", 13);
        assertError("(true", "expected ')' (at column 6)", 6);
        assertError("true)", "unexpected ')' (at column 5)", 5);
        assertError("'open", "unterminated string (at column 6)", 6);
        assertError("1. == 1", "expected digits after the decimal point (at column 3)", 3);
        assertError("1e == 1", "expected an exponent (at column 3)", 3);
        assertError("request.a == 1", "expected a value, a path or '(' but found 'r' (at column 1)", 1);
        assertError("$.request. == 1", "expected a field name after '.' (at column 11)", 11);
        assertError("$.request[x]", "expected an index or a quoted field name inside [ ] (at column 11)", 11);
        assertError("$.request[0", "expected ']' (at column 12)", 12);
        assertError("true &&", "expected a value, a path or '(' (at column 8)", 8);
        assertError("truefalse", "expected a value, a path or '(' but found 't' (at column 1)", 1);
    }

    @Test
    void shouldRejectNumbersAndIndexesOutOfRangeAsSyntaxErrors() {
        // Regression: these escaped as NumberFormatException, past DefinitionReader's error handling.
        assertError("$.request.a == 1e99999999999", "the number 1e99999999999 is out of range (at column 29)", 29);
        assertError("$.request.items[99999999999] == 1", "the index 99999999999 is out of range (at column 28)", 28);
        assertThatThrownBy(() -> DataPath.parse("$.a[4294967296]")).isInstanceOf(ExpressionException.class);
    }

    @Test
    void shouldHandleLongConditionsWithoutExhaustingTheStack() {
        // Regression: each ||, && and ! used to nest a call, so a long condition overflowed the stack when parsed
        // (in a definition being deployed) or tested (in the engine, on every event of an instance).
        String manyOrs = "false || ".repeat(50_000) + "true";
        assertThat(Condition.parse(manyOrs).test(DATA)).isTrue();
        String manyAnds = "true && ".repeat(50_000) + "$.request.gift";
        assertThat(Condition.parse(manyAnds).test(DATA)).isFalse();
        assertThat(Condition.parse("!".repeat(100_001) + "false").test(DATA)).isTrue();
        assertThat(Condition.parse("(".repeat(64) + "true" + ")".repeat(64)).test(DATA))
                .isTrue();
        assertError(
                "(".repeat(65) + "true" + ")".repeat(65),
                "parentheses nested more than 64 levels deep (at column 66)",
                66);
        assertThatThrownBy(() -> Condition.parse("(".repeat(100_000))).isInstanceOf(ExpressionException.class);
    }

    private static void assertError(String condition, String message, int column) {
        assertThatThrownBy(() -> Condition.parse(condition)).isInstanceOfSatisfying(ExpressionException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.column()).isEqualTo(column);
        });
    }

    // --- robustness -----------------------------------------------------------------------------------------------

    /** Parsing any text gives a condition or an {@link ExpressionException}; a parsed condition never throws. */
    @Property(tries = 3000)
    void parsingAnyTextThrowsNothingButExpressionException(@ForAll("conditionTexts") String text) {
        Condition c;
        try {
            c = Condition.parse(text);
        } catch (ExpressionException e) {
            assertThat(e.column()).isBetween(1, text.length() + 1);
            return;
        }
        c.test(DATA);
        c.test(null);
        assertThat(Condition.parse(c.toString())).isEqualTo(c);
    }

    @Provide
    Arbitrary<String> conditionTexts() {
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(80);
        Arbitrary<String> tokens = Arbitraries.of(
                        "$",
                        ".",
                        "$.request",
                        ".int",
                        ".name",
                        ".items",
                        "[",
                        "]",
                        "[0]",
                        "['x']",
                        "[99999999999]",
                        "$.steps.charge.output",
                        " ",
                        "==",
                        "!=",
                        "<",
                        "<=",
                        ">",
                        ">=",
                        "=",
                        "!",
                        "&&",
                        "||",
                        "&",
                        "|",
                        "(",
                        ")",
                        "'",
                        "\"",
                        "'Ada'",
                        "\\",
                        "true",
                        "false",
                        "null",
                        "0",
                        "-1",
                        "1.5",
                        "1e9",
                        "1e99999999999",
                        "-",
                        "e",
                        "E",
                        "+",
                        "x",
                        "_",
                        "\u00e9",
                        "\t")
                .list()
                .ofMaxSize(30)
                .map(l -> String.join("", l));
        return Arbitraries.frequencyOf(Tuple.of(1, anything), Tuple.of(3, tokens));
    }
}
