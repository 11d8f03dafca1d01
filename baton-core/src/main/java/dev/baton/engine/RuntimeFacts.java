package dev.baton.engine;

import java.time.Duration;
import java.util.function.ToIntFunction;

/**
 * What the runtime around the engine knows and the rules need, though no definition says it: how long a finished
 * instance is kept, and how large a stored state may be. The engine stays pure: {@code stateSize} is a deterministic
 * measure (the runtime's encoding), not I/O.
 *
 * @param retention how long a completed instance stays stored; {@code null} keeps it forever (no purge timers)
 * @param stateLimit the largest state, in bytes, the runtime can store; 0 for no limit
 * @param stateSize the size in bytes of an instance's state as the runtime would store it
 * @param items the forEach item results stored so far (stored state too, read like the instance is)
 */
public record RuntimeFacts(
        Duration retention, int stateLimit, ToIntFunction<Instance> stateSize, ItemResult.Store items) {
    /** No retention, no size limit: what the engine's own tests and replays use. */
    public static final RuntimeFacts NONE = new RuntimeFacts(null, 0, i -> 0);

    /** Facts of a runtime that stores no item results. */
    public RuntimeFacts(Duration retention, int stateLimit, ToIntFunction<Instance> stateSize) {
        this(retention, stateLimit, stateSize, ItemResult.Store.NONE);
    }

    /** The same facts, reading item results from {@code store}. */
    public RuntimeFacts withItems(ItemResult.Store store) {
        return new RuntimeFacts(retention, stateLimit, stateSize, store);
    }

    boolean tooLarge(int bytes) {
        return stateLimit > 0 && bytes > stateLimit;
    }
}
