package dev.baton.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How Baton retries an HTTP step: up to {@code maxAttempts} calls in all, waiting {@code initialBackoff} before the
 * second, each wait {@code multiplier} times the one before and at most {@code maxBackoff}. A call is retried when it
 * answered with a status in {@code retryOn}, or did not answer at all (connection failed, or no answer within the
 * step's HTTP timeout). There is no jitter: the engine decides retries from its events alone.
 */
public record HttpRetry(
        int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, Set<Integer> retryOn) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    /** Too many requests, bad gateway, service unavailable, gateway timeout: answers that say "try again later". */
    public static final Set<Integer> DEFAULT_RETRY_ON = Set.of(429, 502, 503, 504);

    public HttpRetry {
        Objects.requireNonNull(initialBackoff);
        Objects.requireNonNull(maxBackoff);
        retryOn = Set.copyOf(retryOn);
    }

    /** Three calls, 1 s then 2 s apart, on 429, 502, 503, 504 and on no answer. */
    public static HttpRetry defaults() {
        return new HttpRetry(
                DEFAULT_MAX_ATTEMPTS,
                DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MULTIPLIER,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_RETRY_ON);
    }

    /** One call, no retry. */
    public static HttpRetry none() {
        return new HttpRetry(1, DEFAULT_INITIAL_BACKOFF, DEFAULT_MULTIPLIER, DEFAULT_MAX_BACKOFF, DEFAULT_RETRY_ON);
    }

    /**
     * The wait before call {@code failedCalls + 1}, after {@code failedCalls} failed calls (1 for the first retry):
     * {@code initialBackoff * multiplier^(failedCalls - 1)}, at most {@code maxBackoff}.
     */
    public Duration backoffAfter(int failedCalls) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedCalls - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }

    /** The retry-on status codes in ascending order, for writing the definition out. */
    public List<Integer> retryOnSorted() {
        return retryOn.stream().sorted().toList();
    }
}
