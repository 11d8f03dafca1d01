package dev.baton.worker;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How a worker retries a failing {@link StepHandler} before it reports a command as
 * {@code FAILED}. Immutable and thread-safe; build one with {@link #newBuilder()}.
 *
 * <p>Before try {@code n} (n &ge; 2) the worker waits
 * {@code min(maxBackoff, initialBackoff * multiplier^(n-2)) * (1 ± jitter)}, and never longer
 * than {@code maxBackoff}. Intermediate failures are never reported; only the final outcome is.
 *
 * <p>Defaults ({@link #getDefaultInstance()}): 3 tries in total, 1 s initial backoff, multiplier
 * 2.0, maximum backoff 30 s, jitter 0.2, and no exception types excluded from retrying besides
 * {@link NonRetryableException}, which is never retried.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.newBuilder()
 *     .maxAttempts(5)
 *     .initialBackoff(Duration.ofMillis(200))
 *     .doNotRetry(IllegalArgumentException.class)
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {

    private static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    private static final double DEFAULT_MULTIPLIER = 2.0;
    private static final double DEFAULT_JITTER = 0.2;

    private static final RetryPolicy DEFAULT = newBuilder().build();
    private static final RetryPolicy NONE = newBuilder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final boolean maxBackoffSet;
    private final double multiplier;
    private final double jitter;
    private final Set<Class<? extends Throwable>> doNotRetry;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoffSet = b.maxBackoff != null;
        this.maxBackoff = maxBackoffSet
                ? b.maxBackoff
                : (b.initialBackoff.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? b.initialBackoff : DEFAULT_MAX_BACKOFF);
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.doNotRetry = Collections.unmodifiableSet(new LinkedHashSet<>(b.doNotRetry));
    }

    /**
     * Starts a builder with the defaults described on this class.
     *
     * @return a new builder
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Starts a builder initialised from an existing policy.
     *
     * @param template the policy to copy
     * @return a new builder holding {@code template}'s settings
     */
    public static Builder newBuilder(RetryPolicy template) {
        Objects.requireNonNull(template, "template");
        Builder b = new Builder();
        b.maxAttempts = template.maxAttempts;
        b.initialBackoff = template.initialBackoff;
        b.maxBackoff = template.maxBackoffSet ? template.maxBackoff : null;
        b.multiplier = template.multiplier;
        b.jitter = template.jitter;
        b.doNotRetry.addAll(template.doNotRetry);
        return b;
    }

    /**
     * The default policy: 3 tries, backoff 1 s then 2 s (±20 %), capped at 30 s.
     *
     * @return the shared default instance
     */
    public static RetryPolicy getDefaultInstance() {
        return DEFAULT;
    }

    /**
     * A policy that never retries: the handler is tried once.
     *
     * @return the shared no-retry instance
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * The total number of tries, the first one included. Default 3.
     *
     * @return 1 or more
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The backoff before the first retry (try 2), before jitter. Default 1 s.
     *
     * @return a non-negative duration
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * The longest backoff, jitter included. Default 30 s, or {@link #initialBackoff()} if
     * that is longer.
     *
     * @return a duration not shorter than {@link #initialBackoff()}
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The factor by which the backoff grows from one retry to the next. Default 2.0.
     *
     * @return 1.0 or more
     */
    public double multiplier() {
        return multiplier;
    }

    /**
     * The relative random spread of each backoff: 0.2 means ±20 %. Default 0.2.
     *
     * @return between 0.0 and 1.0
     */
    public double jitter() {
        return jitter;
    }

    /**
     * The exception types (and their subclasses) that fail a command at once. Default empty;
     * {@link NonRetryableException} is never retried whether listed or not.
     *
     * @return an unmodifiable set
     */
    public Set<Class<? extends Throwable>> doNotRetry() {
        return doNotRetry;
    }

    /**
     * Whether a failure may be retried under this policy, attempts left aside.
     *
     * @param failure what the handler threw
     * @return {@code false} for a {@link NonRetryableException} or an instance of a type listed in
     *     {@link #doNotRetry()}, otherwise {@code true}
     */
    public boolean isRetryable(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        if (failure instanceof NonRetryableException) {
            return false;
        }
        for (Class<? extends Throwable> type : doNotRetry) {
            if (type.isInstance(failure)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The wait before try {@code nextTry}, with jitter drawn from {@code random}.
     *
     * @param nextTry the try about to be made: 1 for the first (no wait), 2 for the first retry
     * @param random a source of numbers in {@code [0, 1)}; 0.5 gives the backoff without jitter,
     *     0 the shortest and values near 1 the longest
     * @return {@link Duration#ZERO} for try 1, otherwise
     *     {@code min(maxBackoff, base * (1 + jitter * (2 * random - 1)))} where
     *     {@code base = min(maxBackoff, initialBackoff * multiplier^(nextTry - 2))}
     * @throws IllegalArgumentException if {@code nextTry} is less than 1
     */
    public Duration backoffBefore(int nextTry, DoubleSupplier random) {
        if (nextTry < 1) {
            throw new IllegalArgumentException("nextTry must be 1 or more, was " + nextTry);
        }
        Objects.requireNonNull(random, "random");
        if (nextTry == 1) {
            return Duration.ZERO;
        }
        double maxNanos = toNanos(maxBackoff);
        double base = Math.min(maxNanos, toNanos(initialBackoff) * Math.pow(multiplier, nextTry - 2));
        double r = Math.max(0.0, Math.min(1.0, random.getAsDouble()));
        double jittered = base * (1.0 + jitter * (2.0 * r - 1.0));
        double nanos = Math.max(0.0, Math.min(maxNanos, jittered));
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * The wait before try {@code nextTry}, with jitter drawn from {@link ThreadLocalRandom}.
     *
     * @param nextTry the try about to be made, 1 or more
     * @return the backoff, see {@link #backoffBefore(int, DoubleSupplier)}
     */
    public Duration backoffBefore(int nextTry) {
        return backoffBefore(nextTry, () -> ThreadLocalRandom.current().nextDouble());
    }

    private static double toNanos(Duration d) {
        return d.getSeconds() * 1_000_000_000.0 + d.getNano();
    }

    /**
     * Equal if all settings are equal.
     *
     * @param o the other object
     * @return whether {@code o} is an equal policy
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RetryPolicy)) {
            return false;
        }
        RetryPolicy p = (RetryPolicy) o;
        return maxAttempts == p.maxAttempts
                && Double.compare(multiplier, p.multiplier) == 0
                && Double.compare(jitter, p.jitter) == 0
                && initialBackoff.equals(p.initialBackoff)
                && maxBackoff.equals(p.maxBackoff)
                && doNotRetry.equals(p.doNotRetry);
    }

    /**
     * A hash code consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, doNotRetry);
    }

    /**
     * A readable summary of the settings.
     *
     * @return e.g. {@code RetryPolicy{maxAttempts=3, initialBackoff=PT1S, ...}}
     */
    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff
                + ", multiplier=" + multiplier
                + ", jitter=" + jitter
                + ", doNotRetry="
                + doNotRetry.stream().map(Class::getSimpleName).toList()
                + '}';
    }

    /**
     * Builds a {@link RetryPolicy}. Setters check their argument at once and throw
     * {@link IllegalArgumentException} (or {@link NullPointerException} for {@code null}); not
     * thread-safe.
     */
    public static final class Builder {

        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff; // null: default
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;
        private final Set<Class<? extends Throwable>> doNotRetry = new LinkedHashSet<>();

        private Builder() {}

        /**
         * The total number of tries, the first one included; 1 disables retries. Default 3.
         *
         * @param maxAttempts 1 or more
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The backoff before the first retry, before jitter. Default 1 s.
         *
         * @param initialBackoff zero or positive
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            if (initialBackoff.isNegative()) {
                throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
            }
            this.initialBackoff = initialBackoff;
            return this;
        }

        /**
         * The longest backoff, jitter included. Default 30 s, or the initial backoff if that is
         * longer. Must not be shorter than the initial backoff (checked by {@link #build()}).
         *
         * @param maxBackoff zero or positive
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (maxBackoff.isNegative()) {
                throw new IllegalArgumentException("maxBackoff must not be negative, was " + maxBackoff);
            }
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * The factor by which each backoff grows; 1.0 gives a constant backoff. Default 2.0.
         *
         * @param multiplier 1.0 or more, finite
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number >= 1.0, was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * The relative random spread of each backoff: 0.2 means ±20 %, 0 none. Default 0.2.
         *
         * @param jitter between 0.0 and 1.0 inclusive
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Adds exception types that fail a command at once, without retries; subclasses match
         * too. May be called several times; the types accumulate. Default none.
         *
         * @param types the exception types
         * @return this builder
         */
        @SafeVarargs
        public final Builder doNotRetry(Class<? extends Throwable>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<? extends Throwable> t : Arrays.asList(types)) {
                doNotRetry.add(Objects.requireNonNull(t, "doNotRetry type"));
            }
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return an immutable policy
         * @throws IllegalArgumentException if the maximum backoff is shorter than the initial one
         */
        public RetryPolicy build() {
            if (maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff
                        + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
