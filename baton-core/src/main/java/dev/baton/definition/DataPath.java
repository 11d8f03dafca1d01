package dev.baton.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reference into instance data such as {@code $.request.order.id} or {@code $.steps.charge.output.items[0]}.
 *
 * <p>Data is the plain JSON tree the engine works on: {@link Map}, {@link List}, {@link String},
 * {@link Number}, {@link Boolean} or {@code null}. A path that does not match resolves to {@code null}
 * rather than failing, because a missing optional field is normal in event payloads.
 */
public final class DataPath {
    private final String source;
    private final List<Object> segments; // String for a field, Integer for an index

    private DataPath(String source, List<Object> segments) {
        this.source = source;
        this.segments = List.copyOf(segments);
    }

    /** Parses a path that starts with {@code $}; throws {@link ExpressionException} naming the column at fault. */
    public static DataPath parse(String text) {
        var cursor = new ExpressionCursor(text);
        DataPath path = parse(cursor);
        cursor.skipSpaces();
        if (!cursor.atEnd()) {
            throw cursor.error("unexpected '" + cursor.peek() + "' after the path");
        }
        return path;
    }

    static DataPath parse(ExpressionCursor cursor) {
        cursor.skipSpaces();
        int start = cursor.position();
        if (!cursor.take('$')) {
            throw cursor.error("a path starts with '$'");
        }
        var segments = new ArrayList<>();
        while (!cursor.atEnd()) {
            if (cursor.take('.')) {
                String name = cursor.identifier();
                if (name.isEmpty()) {
                    throw cursor.error("expected a field name after '.'");
                }
                segments.add(name);
            } else if (cursor.take('[')) {
                cursor.skipSpaces();
                char c = cursor.peek();
                if (c == '\'' || c == '"') {
                    segments.add(cursor.quoted());
                } else {
                    String digits = cursor.digits();
                    if (digits.isEmpty()) {
                        throw cursor.error("expected an index or a quoted field name inside [ ]");
                    }
                    try {
                        segments.add(Integer.parseInt(digits));
                    } catch (NumberFormatException e) {
                        throw cursor.error("the index " + digits + " is out of range");
                    }
                }
                cursor.skipSpaces();
                if (!cursor.take(']')) {
                    throw cursor.error("expected ']'");
                }
            } else {
                break;
            }
        }
        return new DataPath(cursor.text().substring(start, cursor.position()), segments);
    }

    /** Follows the path from {@code root}; {@code null} when any segment is missing or of the wrong kind. */
    public Object resolve(Object root) {
        Object current = root;
        for (Object segment : segments) {
            if (segment instanceof String field && current instanceof Map<?, ?> map) {
                current = map.get(field);
            } else if (segment instanceof Integer index && current instanceof List<?> list) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** The segments after {@code $}: field names as strings, list indexes as integers. */
    public List<Object> segments() {
        return segments;
    }

    @Override
    public String toString() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataPath other && other.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }
}
