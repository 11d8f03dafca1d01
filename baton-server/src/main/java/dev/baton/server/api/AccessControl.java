package dev.baton.server.api;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bearer-token access to the API and dashboard. Without tokens configured the API is open (and bound to 127.0.0.1
 * by default). With tokens, every request but the probes ({@code /health}, {@code /health/live},
 * {@code /health/ready}) and the dashboard's static files needs one: a {@link Role#READ} token reads (and validates,
 * and runs dry runs, which change nothing), an {@link Role#OPERATE} token also deploys, starts, cancels, retries and
 * takes the recovery actions (pause, resume, redrive, complete, skip, migrate).
 */
public final class AccessControl {
    /** Browsers' EventSource cannot set headers, so the event stream also takes the token as this query parameter. */
    static final String TOKEN_PARAMETER = "access_token";

    public enum Role {
        READ,
        OPERATE
    }

    private final Map<String, Role> tokens;
    /** Who each token stands for, as operator actions record it. */
    private final Map<String, String> names;

    private AccessControl(Map<String, Role> tokens) {
        this(tokens, Map.of());
    }

    private AccessControl(Map<String, Role> tokens, Map<String, String> names) {
        this.names = Map.copyOf(names);
        this.tokens = Map.copyOf(tokens);
    }

    public static AccessControl open() {
        return new AccessControl(Map.of());
    }

    /**
     * Reads tokens from lines {@code <role> <token> [<name>]} (roles {@code read}, {@code operator}); {@code #} starts
     * a comment. The name says who the token stands for in the timeline of the instances it acts on; without one
     * it is "token at line N". The tokens themselves never appear in messages.
     */
    public static AccessControl fromLines(List<String> lines, String source) {
        var tokens = new LinkedHashMap<String, Role>();
        var names = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 && parts.length != 3) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": expected '<role> <token> [<name>]' (role read or operator)");
            }
            Role role = switch (parts[0].toLowerCase(Locale.ROOT)) {
                case "read", "reader", "read-only" -> Role.READ;
                case "operator", "operate" -> Role.OPERATE;
                default ->
                    throw new IllegalArgumentException(
                            source + ":" + (i + 1) + ": unknown role '" + parts[0] + "' (read or operator)");
            };
            if (parts[1].length() < 16) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": a token must have at least 16 characters");
            }
            tokens.put(parts[1], role);
            names.put(parts[1], parts.length == 3 ? parts[2] : "token at line " + (i + 1));
        }
        return new AccessControl(tokens, names);
    }

    public static AccessControl fromFile(Path file) {
        try {
            return fromLines(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }

    /** Tokens from an environment variable's value: {@code read:<token>,operator:<token>}. */
    public static AccessControl fromEnvironment(String value) {
        return fromLines(
                List.of(value.split(",")).stream()
                        .map(s -> s.replaceFirst(":", " "))
                        .toList(),
                "BATON_API_TOKENS");
    }

    public boolean isOpen() {
        return tokens.isEmpty();
    }

    /** Rejects the request with 401 or 403 unless its token allows it. */
    void check(Context ctx) {
        if (isOpen()
                || ctx.path().equals("/health")
                || ctx.path().startsWith("/health/")
                || !ctx.path().startsWith("/api") && !ctx.path().equals("/metrics")) {
            return;
        }
        Role needed = ctx.method().name().equals("GET") || readsOnly(ctx.path()) ? Role.READ : Role.OPERATE;
        Role granted = roleOf(presented(ctx));
        if (granted == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"baton\"");
            throw new io.javalin.http.HttpResponseException(
                    HttpStatus.UNAUTHORIZED.getCode(), "a valid bearer token is required");
        }
        if (needed == Role.OPERATE && granted != Role.OPERATE) {
            throw new io.javalin.http.HttpResponseException(HttpStatus.FORBIDDEN.getCode(), "this token may only read");
        }
    }

    /**
     * POSTs that change nothing: validating a definition, and a dry run ({@code /api/workflows/{name}/replay}), which
     * reads the retained requests and outcomes (what a read token sees of each instance already) and writes nothing.
     */
    static boolean readsOnly(String path) {
        return path.equals("/api/workflows/validate") || path.matches("/api/workflows/[^/]+/replay");
    }

    /** Who makes this request, for the timeline: the name of its token; {@code anonymous} when access is open. */
    String actorOf(Context ctx) {
        String presented = presented(ctx);
        if (presented == null) {
            return "anonymous";
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String found = "anonymous";
        for (var e : names.entrySet()) {
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return found;
    }

    private static String presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return ctx.path().equals("/api/events") ? ctx.queryParam(TOKEN_PARAMETER) : null;
    }

    private Role roleOf(String presented) {
        if (presented == null) {
            return null;
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        Role found = null;
        for (var e : tokens.entrySet()) {
            // Compare with every token in constant time, so timing tells nothing about near misses.
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return found;
    }
}
