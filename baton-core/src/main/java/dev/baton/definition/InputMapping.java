package dev.baton.definition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step's {@code input}: a JSON template whose string values starting with {@code $} are {@link DataPath}s into
 * the instance data ({@code $.request...}, {@code $.steps.<id>.output...}); everything else is copied as is.
 *
 * <pre>
 * input:
 *   orderId: $.request.orderId
 *   paymentId: $.steps.charge.output.paymentId
 *   channel: email
 * </pre>
 *
 * A template that is a single path string ({@code input: $.steps.reserve.output}) yields that value.
 */
public final class InputMapping {
    private final Object template;
    private final Object compiled;

    private InputMapping(Object template, Object compiled) {
        this.template = template;
        this.compiled = compiled;
    }

    /** Compiles a template; throws {@link ExpressionException} for a malformed path. */
    public static InputMapping of(Object template) {
        return new InputMapping(template, compile(template));
    }

    /** The template as written, for writing the definition back out. */
    public Object template() {
        return template;
    }

    /** All paths the template reads, for validation. */
    public List<DataPath> paths() {
        var paths = new ArrayList<DataPath>();
        collect(compiled, paths);
        return paths;
    }

    /** Builds the input from instance data; paths that do not match yield {@code null}. */
    public Object apply(Object data) {
        return render(compiled, data);
    }

    private static Object compile(Object node) {
        if (node instanceof String s && s.startsWith("$")) {
            return DataPath.parse(s);
        }
        if (node instanceof Map<?, ?> map) {
            var out = new LinkedHashMap<String, Object>();
            map.forEach((k, v) -> out.put(String.valueOf(k), compile(v)));
            return out;
        }
        if (node instanceof List<?> list) {
            var out = new ArrayList<>();
            list.forEach(v -> out.add(compile(v)));
            return out;
        }
        return node;
    }

    private static Object render(Object node, Object data) {
        if (node instanceof DataPath path) {
            return path.resolve(data);
        }
        if (node instanceof Map<?, ?> map) {
            var out = new LinkedHashMap<String, Object>();
            map.forEach((k, v) -> out.put((String) k, render(v, data)));
            return out;
        }
        if (node instanceof List<?> list) {
            var out = new ArrayList<>();
            list.forEach(v -> out.add(render(v, data)));
            return out;
        }
        return node;
    }

    private static void collect(Object node, List<DataPath> paths) {
        if (node instanceof DataPath path) {
            paths.add(path);
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, paths));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, paths));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputMapping other && java.util.Objects.equals(other.template, template);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(template);
    }

    @Override
    public String toString() {
        return String.valueOf(template);
    }
}
