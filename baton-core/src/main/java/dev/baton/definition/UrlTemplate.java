package dev.baton.definition;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP step's URL with {@code {$.path}} placeholders, e.g.
 * {@code https://crm.example/orders/{$.request.orderId}/notes}: each placeholder is replaced by the value its
 * {@link DataPath} reads, URL-encoded; a path that reads nothing gives an empty segment.
 */
public final class UrlTemplate {
    private final String text;
    private final List<Object> parts; // String literals and DataPaths

    private UrlTemplate(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** Parses a URL template; throws {@link ExpressionException} for an unclosed brace or a malformed path. */
    public static UrlTemplate parse(String text) {
        var parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{$", i);
            if (open < 0) {
                parts.add(text.substring(i));
                break;
            }
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw new ExpressionException("the placeholder has no closing '}'", open + 1);
            }
            if (open > i) {
                parts.add(text.substring(i, open));
            }
            try {
                parts.add(DataPath.parse(text.substring(open + 1, close)));
            } catch (ExpressionException e) {
                throw new ExpressionException(
                        "in {" + text.substring(open + 1, close) + "}: " + e.getMessage(), open + 2);
            }
            i = close + 1;
        }
        return new UrlTemplate(text, parts);
    }

    /** The URL for the given instance data. */
    public String render(Object data) {
        var sb = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof DataPath path) {
                Object value = path.resolve(data);
                if (value != null) {
                    sb.append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8)
                            .replace("+", "%20"));
                }
            } else {
                sb.append(part);
            }
        }
        return sb.toString();
    }

    /** The literal text with placeholders left out: what must already be an absolute http(s) URL's start. */
    String literalPrefix() {
        return parts.isEmpty() || !(parts.get(0) instanceof String s) ? "" : s;
    }

    List<DataPath> paths() {
        return parts.stream()
                .filter(DataPath.class::isInstance)
                .map(DataPath.class::cast)
                .toList();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UrlTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
