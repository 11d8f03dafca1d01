package dev.baton.definition;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A step that Baton performs itself by calling an HTTP endpoint, instead of commanding a worker: the orchestrator's
 * HTTP executor sends the step's input as the JSON body (for POST, PUT and PATCH), and Baton owns the retries
 * ({@link HttpRetry}). A 2xx answer succeeds the step with {@code {"status", "body"}} as its output.
 *
 * @param method one of {@link #METHODS}
 * @param url the URL, possibly with {@code {$.path}} placeholders
 * @param headers extra request headers, kept in name order
 * @param timeout how long one call may take before it counts as failed (and retryable)
 * @param retry when and how often to call again
 */
public record HttpStep(String method, UrlTemplate url, Map<String, String> headers, Duration timeout, HttpRetry retry)
        implements StepKind {
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A call longer than this would hold the executor's batch (and its consumer) for too long. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    public HttpStep {
        Objects.requireNonNull(url);
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(headers));
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        retry = retry == null ? HttpRetry.defaults() : retry;
        method = method == null ? "POST" : method;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.http(this);
    }

    @Override
    public String field() {
        return "http";
    }

    /** Whether a call with this method carries the step's input as its body (POST, PUT, PATCH). */
    public static boolean sendsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
