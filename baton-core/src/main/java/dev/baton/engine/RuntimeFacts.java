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
 * @param signalBuffer how long a signal that arrives before its step waits is kept for it; {@code null} drops such a
 *     signal at once
 * @param signalBufferLimit how many such signals one instance keeps at most; one more is ignored
 * @param items the forEach item results stored so far (stored state too, read like the instance is)
 */
public record RuntimeFacts(
        Duration retention,
        int stateLimit,
        ToIntFunction<Instance> stateSize,
        Duration signalBuffer,
        int signalBufferLimit,
        ItemResult.Store items) {
    /** No retention, no size limit, no signal buffer, no item results: what the engine's own tests and replays use. */
    public static final RuntimeFacts NONE = new RuntimeFacts(null, 0, i -> 0);

    /** Facts without a signal buffer, of a runtime that stores no item results. */
    public RuntimeFacts(Duration retention, int stateLimit, ToIntFunction<Instance> stateSize) {
        this(retention, stateLimit, stateSize, null, 0, ItemResult.Store.NONE);
    }

    /** The same facts with early signals kept for {@code ttl}, at most {@code limit} per instance. */
    public RuntimeFacts withSignalBuffer(Duration ttl, int limit) {
        return new RuntimeFacts(retention, stateLimit, stateSize, ttl, limit, items);
    }

    /** The same facts, reading item results from {@code store}. */
    public RuntimeFacts withItems(ItemResult.Store store) {
        return new RuntimeFacts(retention, stateLimit, stateSize, signalBuffer, signalBufferLimit, store);
    }

    boolean buffersSignals() {
        return signalBuffer != null && !signalBuffer.isZero() && signalBufferLimit > 0;
    }

    boolean tooLarge(int bytes) {
        return stateLimit > 0 && bytes > stateLimit;
    }
}
