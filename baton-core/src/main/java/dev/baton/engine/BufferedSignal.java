package dev.baton.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A signal that arrived before the step waiting for it had started: the instance keeps it (for the runtime's signal
 * buffer time) and the step takes it when it starts.
 *
 * @param name the signal's name
 * @param payload the signal's payload, the step's output once taken
 * @param receivedAt when the instance received it; it expires this long after
 */
public record BufferedSignal(String name, Object payload, Instant receivedAt) {
    public BufferedSignal {
        Objects.requireNonNull(name);
        Objects.requireNonNull(receivedAt);
    }
}
