package dev.baton.examples;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The batch-window schedule of service C (the article's "only runs at certain times of the day,
 * like a batch process"): offline for {@link #offlineFor()}, then online for {@link #onlineFor()},
 * repeating from the moment the service starts. A pure function of the time elapsed since then,
 * so it can be checked without waiting.
 *
 * <pre>
 *   elapsed: 0 ........ offlineFor ........ offlineFor+onlineFor ........ ...
 *   state:   offline    online              offline                       ...
 * </pre>
 *
 * <p>An {@code offlineFor} of zero means always online (no windows). Immutable.
 */
public final class BatchWindow {

    private final Duration offlineFor;
    private final Duration onlineFor;

    /**
     * Creates a schedule.
     *
     * @param offlineFor how long each offline phase lasts (the first one starts at once); zero
     *     for always online
     * @param onlineFor how long each online phase lasts; positive
     * @throws IllegalArgumentException if {@code offlineFor} is negative or {@code onlineFor} is
     *     not positive
     */
    public BatchWindow(Duration offlineFor, Duration onlineFor) {
        this.offlineFor = Objects.requireNonNull(offlineFor, "offlineFor");
        this.onlineFor = Objects.requireNonNull(onlineFor, "onlineFor");
        if (offlineFor.isNegative()) {
            throw new IllegalArgumentException("offlineFor must not be negative, was " + offlineFor);
        }
        if (onlineFor.isNegative() || onlineFor.isZero()) {
            throw new IllegalArgumentException("onlineFor must be positive, was " + onlineFor);
        }
    }

    /**
     * A schedule without windows: always online.
     *
     * @return a schedule whose {@link #isOnline(Duration)} is always true
     */
    public static BatchWindow alwaysOnline() {
        return new BatchWindow(Duration.ZERO, Duration.ofDays(1));
    }

    /**
     * How long each offline phase lasts.
     *
     * @return zero or positive
     */
    public Duration offlineFor() {
        return offlineFor;
    }

    /**
     * How long each online phase lasts.
     *
     * @return positive
     */
    public Duration onlineFor() {
        return onlineFor;
    }

    /**
     * Whether the schedule never goes offline.
     *
     * @return true if {@link #offlineFor()} is zero
     */
    public boolean isAlwaysOnline() {
        return offlineFor.isZero();
    }

    /**
     * Whether the service is online at a point of the schedule. Each phase includes its start
     * and excludes its end: at exactly {@code offlineFor} the service is online.
     *
     * @param elapsed time since the schedule started, not negative
     * @return true in an online phase
     */
    public boolean isOnline(Duration elapsed) {
        if (isAlwaysOnline()) {
            return true;
        }
        return positionInCycle(elapsed) >= offlineFor.toNanos();
    }

    /**
     * How long until the state changes next.
     *
     * @param elapsed time since the schedule started, not negative
     * @return the time to the next switch (positive), or empty if the schedule is always online
     */
    public Optional<Duration> untilNextSwitch(Duration elapsed) {
        if (isAlwaysOnline()) {
            return Optional.empty();
        }
        long pos = positionInCycle(elapsed);
        long off = offlineFor.toNanos();
        long next = pos < off ? off : off + onlineFor.toNanos();
        return Optional.of(Duration.ofNanos(next - pos));
    }

    /**
     * The number of the cycle (an offline phase and the online phase after it) at a point of the
     * schedule, counting from 0.
     *
     * @param elapsed time since the schedule started, not negative
     * @return 0 during the first offline and online phases, 1 during the second, ...
     */
    public long cycle(Duration elapsed) {
        return checked(elapsed).toNanos() / cycleNanos();
    }

    private long positionInCycle(Duration elapsed) {
        return checked(elapsed).toNanos() % cycleNanos();
    }

    private long cycleNanos() {
        return offlineFor.toNanos() + onlineFor.toNanos();
    }

    private static Duration checked(Duration elapsed) {
        Objects.requireNonNull(elapsed, "elapsed");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, was " + elapsed);
        }
        return elapsed;
    }

    /**
     * A readable summary.
     *
     * @return e.g. {@code BatchWindow{offline PT8S, online PT4S}}
     */
    @Override
    public String toString() {
        return isAlwaysOnline()
                ? "BatchWindow{always online}"
                : "BatchWindow{offline " + offlineFor + ", online " + onlineFor + '}';
    }
}
