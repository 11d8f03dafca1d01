package dev.baton.server.runtime;

import dev.baton.engine.TimerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The due timers of one partition's instances, in time order, in a Kafka Streams store
 * ({@link OrchestratorTopology#TIMER_STORE}) so they survive restarts and move with their partition. Keys and values
 * are {@link TimerCodec}'s.
 *
 * <p>A timer that could not be fired is {@linkplain #tryAgainLater kept for later}: it is due again after a backoff
 * that starts at {@link #FIRST_BACKOFF} and doubles with each failure up to {@link #MAX_BACKOFF}.
 */
final class TimerStore {
    private static final Logger log = LoggerFactory.getLogger(TimerStore.class);

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final KeyValueStore<String, byte[]> store;
    /** Keys of unreadable entries already logged by this task, so a bad entry is reported once, not every tick. */
    private final Set<String> reportedUnreadable = new HashSet<>();

    TimerStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** Sets and clears the timers an engine decision asks for. */
    void apply(List<TimerRequest> requests) {
        for (TimerRequest request : requests) {
            if (request instanceof TimerRequest.ScheduleTimeout t) {
                put(DueTimer.stepTimeout(t.instanceId(), t.stepId(), t.commandId(), t.dueAt()));
            } else if (request instanceof TimerRequest.ScheduleRetry r) {
                put(DueTimer.retryBackoff(r.instanceId(), r.stepId(), r.commandId(), r.dueAt()));
            } else if (request instanceof TimerRequest.SchedulePurge purge) {
                schedulePurge(purge.instanceId(), purge.dueAt());
            } else if (request instanceof TimerRequest.ScheduleWake w) {
                // A wake shares its command id with that command's timeout; they never clash: a sleep has no timeout,
                // and a repeating step's round clears its timeout before it sets the wake for the next round.
                put(DueTimer.wake(w.instanceId(), w.stepId(), w.commandId(), w.dueAt()));
            } else if (request instanceof TimerRequest.ScheduleStart start) {
                put(DueTimer.start(start.instanceId(), start.dueAt()));
            } else if (request instanceof TimerRequest.ScheduleDeadline deadline) {
                put(DueTimer.deadline(deadline.instanceId(), deadline.dueAt()));
            } else if (request instanceof TimerRequest.CancelStart start) {
                store.delete(DueTimer.start(start.instanceId(), start.dueAt()).key());
            } else if (request instanceof TimerRequest.CancelDeadline deadline) {
                store.delete(DueTimer.deadline(deadline.instanceId(), deadline.dueAt())
                        .key());
            } else {
                // A cancel names the time its timer was set for. A timer moved by tryAgainLater is not found; it
                // fires once more and the engine ignores it, as it ignores any timer of a step that stopped waiting.
                store.delete(TimerCodec.key(request.dueAt(), request.commandId()));
            }
        }
    }

    /** The instance leaves the store at {@code dueAt}; a later call for the same instance adds another purge. */
    void schedulePurge(String instanceId, Instant dueAt) {
        put(DueTimer.purge(instanceId, dueAt));
    }

    /**
     * Every timer due at or before {@code now}, earliest first. An entry this version cannot read is left where it
     * is (a newer Baton may have written it; a rollback must not destroy it) and logged once.
     */
    List<DueTimer> dueAt(Instant now) {
        var due = new ArrayList<DueTimer>();
        try (KeyValueIterator<String, byte[]> it = store.range("", TimerCodec.firstKeyAfter(now))) {
            while (it.hasNext()) {
                var kv = it.next();
                try {
                    due.add(TimerCodec.read(kv.key, kv.value));
                } catch (IllegalArgumentException e) {
                    if (reportedUnreadable.add(kv.key)) {
                        log.error("A timer entry is left in the store unfired: {}", e.getMessage());
                    }
                }
            }
        }
        return due;
    }

    /** The timer has fired (or been handled); it is no longer due. */
    void remove(DueTimer timer) {
        store.delete(timer.key());
    }

    /**
     * Keeps a timer whose firing failed: it is stored again, due after the backoff for its number of failures, and
     * counts one more failure. Call {@link #remove} first; the returned timer is the one now stored.
     */
    DueTimer tryAgainLater(DueTimer failed, Instant now) {
        DueTimer again = failed.failedOnceMore(now.plus(backoffAfter(failed.failures() + 1)));
        put(again);
        return again;
    }

    /** The wait after the {@code failures}-th failure in a row: 1 s, 2 s, 4 s, ... up to a minute. */
    static Duration backoffAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        int doublings = Math.min(failures - 1, 30);
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    private void put(DueTimer timer) {
        store.put(timer.key(), TimerCodec.write(timer));
    }
}
