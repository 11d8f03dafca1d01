package dev.baton.definition;

import java.time.Duration;
import java.util.Optional;

/**
 * A step that runs in rounds: after each round that succeeds, {@code until} is tested with the round's output as
 * {@code $.steps.<the step>.output}; when it holds the step succeeds with that output, otherwise the next round goes
 * out ({@code delay} later, when given), up to {@code max} rounds. A step that ends its last round without the
 * condition holding fails with {@code repeat-exhausted}. A round that fails fails the step, as a single run would.
 *
 * @param until the condition that ends the loop
 * @param max the most rounds the step runs, at least 1
 * @param delay the wait between the end of one round and the start of the next; {@code null} for none
 */
public record Repeat(Condition until, int max, Duration delay) {
    /** Most rounds one step may run: each round is a command and a line in the instance's timeline. */
    public static final int MAX_ROUNDS = 1000;

    public Optional<Duration> delayIfAny() {
        return Optional.ofNullable(delay);
    }
}
