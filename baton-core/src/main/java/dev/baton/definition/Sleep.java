package dev.baton.definition;

import java.time.Duration;
import java.util.Optional;

/**
 * A step that sends no command: it waits for a while ({@code duration}), or until the instant that a path into the
 * instance's data names ({@code until}, an ISO-8601 instant such as {@code 2026-06-01T02:00:00Z}), then succeeds with
 * {@code {"sleptUntil": <instant>}} as its output. Exactly one of the two is given.
 *
 * @param duration how long to sleep, counted from the moment the step starts; {@code null} with {@code until}
 * @param until where the wake time is read when the step starts; {@code null} with {@code duration}
 */
public record Sleep(Duration duration, DataPath until) implements StepKind {
    public static Sleep lasting(Duration duration) {
        return new Sleep(duration, null);
    }

    public static Sleep until(String path) {
        return new Sleep(null, DataPath.parse(path));
    }

    public Optional<Duration> durationIfAny() {
        return Optional.ofNullable(duration);
    }

    public Optional<DataPath> untilIfAny() {
        return Optional.ofNullable(until);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.sleep(this);
    }

    @Override
    public String field() {
        return "sleep";
    }
}
