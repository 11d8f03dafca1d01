package dev.baton.definition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A step's {@code when} condition, such as {@code $.request.express == true && $.steps.charge.output.amount > 100}.
 *
 * <p>Grammar: {@code ||}, {@code &&}, {@code !}, parentheses, the comparisons {@code == != < <= > >=}, paths
 * ({@link DataPath}), and JSON literals (numbers, quoted strings, {@code true}, {@code false}, {@code null}). A
 * bare operand is true unless it is {@code null}, {@code false}, {@code 0} or an empty string. Numbers compare by
 * value ({@code 1 == 1.0}); ordering comparisons between a number and anything else are false.
 */
public final class Condition {
    private final String source;
    private final Node root;
    private final List<DataPath> paths;

    private Condition(String source, Node root, List<DataPath> paths) {
        this.source = source;
        this.root = root;
        this.paths = List.copyOf(paths);
    }

    /** Parses a condition; throws {@link ExpressionException} naming the column at fault. */
    public static Condition parse(String text) {
        var cursor = new ExpressionCursor(text);
        cursor.skipSpaces();
        if (cursor.atEnd()) {
            throw cursor.error("the condition is empty");
        }
        var paths = new ArrayList<DataPath>();
        Node root = parseOr(cursor, paths);
        cursor.skipSpaces();
        if (!cursor.atEnd()) {
            throw cursor.error("unexpected '" + cursor.peek() + "'");
        }
        return new Condition(text, root, paths);
    }

    /** Evaluates against instance data, e.g. {@code {"request": ..., "steps": {...}}}. */
    public boolean test(Object data) {
        return truthy(root.value(data));
    }

    /** Every path the condition reads, for validation. */
    public List<DataPath> paths() {
        return paths;
    }

    @Override
    public String toString() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition other && other.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    private interface Node {
        Object value(Object data);
    }

    // Chains of || and && are evaluated in a loop and runs of ! are counted, so that a long condition cannot
    // exhaust the stack when it is parsed or tested; only parentheses nest, and their depth is bounded.

    private static Node parseOr(ExpressionCursor cursor, List<DataPath> paths) {
        Node first = parseAnd(cursor, paths);
        if (!cursor.takeToken("||")) {
            return first;
        }
        var terms = new ArrayList<Node>(List.of(first));
        do {
            terms.add(parseAnd(cursor, paths));
        } while (cursor.takeToken("||"));
        Node[] all = terms.toArray(Node[]::new);
        return data -> {
            for (Node term : all) {
                if (truthy(term.value(data))) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Node parseAnd(ExpressionCursor cursor, List<DataPath> paths) {
        Node first = parseUnary(cursor, paths);
        if (!cursor.takeToken("&&")) {
            return first;
        }
        var terms = new ArrayList<Node>(List.of(first));
        do {
            terms.add(parseUnary(cursor, paths));
        } while (cursor.takeToken("&&"));
        Node[] all = terms.toArray(Node[]::new);
        return data -> {
            for (Node term : all) {
                if (!truthy(term.value(data))) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Node parseUnary(ExpressionCursor cursor, List<DataPath> paths) {
        int negations = 0;
        cursor.skipSpaces();
        while (cursor.peek() == '!' && !cursor.text().startsWith("!=", cursor.position())) {
            cursor.take('!');
            negations++;
            cursor.skipSpaces();
        }
        Node operand = parseComparison(cursor, paths);
        if (negations == 0) {
            return operand;
        }
        boolean negate = negations % 2 == 1;
        return data -> truthy(operand.value(data)) != negate;
    }

    private static Node parseComparison(ExpressionCursor cursor, List<DataPath> paths) {
        Node left = parseOperand(cursor, paths);
        for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
            if (cursor.takeToken(op)) {
                Node right = parseOperand(cursor, paths);
                return comparison(op, left, right);
            }
        }
        return left;
    }

    private static Node comparison(String op, Node left, Node right) {
        return switch (op) {
            case "==" -> data -> jsonEquals(left.value(data), right.value(data));
            case "!=" -> data -> !jsonEquals(left.value(data), right.value(data));
            case "<" -> data -> compare(left.value(data), right.value(data), c -> c < 0);
            case "<=" -> data -> compare(left.value(data), right.value(data), c -> c <= 0);
            case ">" -> data -> compare(left.value(data), right.value(data), c -> c > 0);
            default -> data -> compare(left.value(data), right.value(data), c -> c >= 0);
        };
    }

    private static Node parseOperand(ExpressionCursor cursor, List<DataPath> paths) {
        cursor.skipSpaces();
        char c = cursor.peek();
        if (cursor.atEnd()) {
            throw cursor.error("expected a value, a path or '('");
        }
        if (c == '(') {
            cursor.take('(');
            cursor.enterParenthesis();
            Node inner = parseOr(cursor, paths);
            if (!cursor.takeToken(")")) {
                throw cursor.error("expected ')'");
            }
            cursor.leaveParenthesis();
            return inner;
        }
        if (c == '$') {
            DataPath path = DataPath.parse(cursor);
            paths.add(path);
            return path::resolve;
        }
        if (c == '\'' || c == '"') {
            String s = cursor.quoted();
            return data -> s;
        }
        if (cursor.takeWord("true")) {
            return data -> Boolean.TRUE;
        }
        if (cursor.takeWord("false")) {
            return data -> Boolean.FALSE;
        }
        if (cursor.takeWord("null")) {
            return data -> null;
        }
        String number = cursor.number();
        if (!number.isEmpty()) {
            BigDecimal value;
            try {
                value = new BigDecimal(number);
            } catch (NumberFormatException e) {
                throw cursor.error("the number " + number + " is out of range");
            }
            return data -> value;
        }
        throw cursor.error("expected a value, a path or '(' but found '" + c + "'");
    }

    static boolean truthy(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof Number n) {
            return toDecimal(n).signum() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }

    private static boolean jsonEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return toDecimal(x).compareTo(toDecimal(y)) == 0;
        }
        return Objects.equals(a, b);
    }

    private interface Test {
        boolean test(int comparison);
    }

    private static boolean compare(Object a, Object b, Test test) {
        if (a instanceof Number x && b instanceof Number y) {
            return test.test(toDecimal(x).compareTo(toDecimal(y)));
        }
        if (a instanceof String x && b instanceof String y) {
            return test.test(x.compareTo(y));
        }
        return false;
    }

    private static BigDecimal toDecimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return BigDecimal.valueOf(n.longValue());
        }
        if (n instanceof java.math.BigInteger i) {
            return new BigDecimal(i);
        }
        double d = n.doubleValue();
        return Double.isFinite(d) ? BigDecimal.valueOf(d) : BigDecimal.ZERO;
    }
}
