package dev.baton.engine;

import dev.baton.definition.Schedule;
import dev.baton.definition.Schedule.CatchUp;
import dev.baton.definition.Schedule.Overlap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of a schedule, without a clock or a broker: which ticks are due at a time, which of them start an
 * instance (catch-up after downtime, overlap with a running instance, pause), and what an instance's end releases.
 * Time comes in as arguments; the runtime calls {@link #advance} from a wall-clock punctuation and writes the starts
 * in the same transaction as the new state, so that a tick starts at most one instance, under the id
 * {@link #instanceId}.
 *
 * <p>A tick is <em>missed</em> when it is first looked at more than the grace period after its time: the orchestrator
 * was down, or no process owned the schedule. Missed ticks follow the schedule's {@link CatchUp} rule; the others
 * start on time. Every tick goes through the {@link Overlap} rule before it starts.
 */
public final class ScheduleTicks {
    /** How late a tick may be looked at and still count as on time; a rebalance or a GC pause stays within it. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);

    private ScheduleTicks() {}

    /** Why a tick started nothing. */
    public enum SkipReason {
        /** An instance of an earlier tick was running and the overlap rule is {@code skip}. */
        OVERLAP,
        /** A newer tick took its place in the {@code queueOne} queue. */
        REPLACED,
        /** Missed during downtime, and the catch-up rule does not start it. */
        MISSED,
        /** The schedule was paused. */
        PAUSED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A tick that starts an instance. */
    public record Start(String instanceId, Instant tick) {}

    /** Ticks that started nothing, with why; {@code count} can be large after a long downtime. */
    public record Skipped(SkipReason reason, long count) {}

    /** The new state, the instances to start (in tick order) and what was skipped. */
    public record Step(ScheduleState state, List<Start> starts, List<Skipped> skipped) {
        public boolean changed(ScheduleState before) {
            return !state.equals(before) || !starts.isEmpty();
        }

        public long skippedCount() {
            return skipped.stream().mapToLong(Skipped::count).sum();
        }
    }

    /** The id of the instance a tick starts: {@code <workflow>@<tick as an ISO-8601 instant>}. */
    public static String instanceId(String workflow, Instant tick) {
        return workflow + "@" + tick;
    }

    /** The next tick that would start something (or be skipped): the first after the last one dealt with. */
    public static Instant nextTick(Schedule schedule, ScheduleState state) {
        return schedule.nextTick(state.lastTick());
    }

    /** Deals with every tick due at {@code now}: those after the state's last tick and not after now. */
    public static Step advance(Schedule schedule, ScheduleState state, Instant now, Duration grace) {
        int keepMissed = switch (schedule.catchUp()) {
            case NONE -> 0;
            case LATEST -> 1;
            case ALL -> schedule.catchUpLimit();
        };
        var missed = new ArrayDeque<Instant>();
        long missedDropped = 0;
        var onTime = new ArrayList<Instant>();
        Instant lastDue = null;
        Instant t = schedule.nextTick(state.lastTick());
        Instant lateBefore = now.minus(grace);
        if (schedule.every() != null) {
            // why: after a long downtime a one-second interval has millions of missed ticks; count them, do not walk.
            Instant keepFrom = lateBefore.minus(schedule.every().multipliedBy(keepMissed + 1L));
            long period = schedule.every().toMillis();
            long jump = (keepFrom.toEpochMilli() - t.toEpochMilli()) / period;
            if (jump > 0) {
                missedDropped += jump;
                t = t.plusMillis(jump * period);
            }
        }
        while (!t.isAfter(now)) {
            if (t.isBefore(lateBefore)) {
                missed.addLast(t);
                if (missed.size() > keepMissed) {
                    missed.removeFirst();
                    missedDropped++;
                }
            } else {
                onTime.add(t);
            }
            lastDue = t;
            t = schedule.nextTick(t);
        }
        if (lastDue == null) {
            return new Step(state, List.of(), List.of());
        }
        var skipped = new ArrayList<Skipped>();
        if (state.paused()) {
            skipped.add(new Skipped(SkipReason.PAUSED, missedDropped + missed.size() + onTime.size()));
            return new Step(state.with(lastDue, state.lastStartedTick(), state.running(), null), List.of(), skipped);
        }
        if (missedDropped > 0) {
            skipped.add(new Skipped(SkipReason.MISSED, missedDropped));
        }
        var candidates = new ArrayList<Instant>(missed);
        candidates.addAll(onTime);
        var running = new ArrayList<>(state.running());
        Instant queued = state.queuedTick();
        Instant lastStarted = state.lastStartedTick();
        var starts = new ArrayList<Start>();
        long overlapped = 0;
        long replaced = 0;
        for (Instant tick : candidates) {
            if (running.isEmpty() || schedule.overlap() == Overlap.ALL) {
                Start start = new Start(instanceId(state.workflow(), tick), tick);
                starts.add(start);
                lastStarted = tick;
                if (schedule.overlap() != Overlap.ALL) {
                    running.add(start.instanceId());
                }
            } else if (schedule.overlap() == Overlap.SKIP) {
                overlapped++;
            } else {
                if (queued != null) {
                    replaced++;
                }
                queued = tick;
            }
        }
        if (overlapped > 0) {
            skipped.add(new Skipped(SkipReason.OVERLAP, overlapped));
        }
        if (replaced > 0) {
            skipped.add(new Skipped(SkipReason.REPLACED, replaced));
        }
        return new Step(state.with(lastDue, lastStarted, running, queued), starts, skipped);
    }

    /**
     * An instance the schedule started has ended (completed, failed, cancelled): it no longer blocks later ticks,
     * and a tick queued behind it starts now. An id the schedule is not waiting for changes nothing.
     */
    public static Step ended(ScheduleState state, String instanceId) {
        if (!state.running().contains(instanceId)) {
            return new Step(state, List.of(), List.of());
        }
        var running = new ArrayList<>(state.running());
        running.remove(instanceId);
        Instant queued = state.queuedTick();
        if (running.isEmpty() && queued != null && !state.paused()) {
            Start start = new Start(instanceId(state.workflow(), queued), queued);
            running.add(start.instanceId());
            return new Step(state.with(state.lastTick(), queued, running, null), List.of(start), List.of());
        }
        return new Step(state.with(state.lastTick(), state.lastStartedTick(), running, queued), List.of(), List.of());
    }

    /** Pauses the schedule: ticks start nothing until {@link #resume}; a queued tick is dropped. */
    public static Step pause(ScheduleState state, String actor, String reason, Instant at) {
        var skipped = state.queuedTick() == null ? List.<Skipped>of() : List.of(new Skipped(SkipReason.PAUSED, 1));
        ScheduleState paused = state.with(state.lastTick(), state.lastStartedTick(), state.running(), null)
                .withPause(new ScheduleState.Pause(actor, reason, at));
        return new Step(paused, List.of(), skipped);
    }

    /**
     * Resumes a paused schedule: the next tick after {@code at} is the first to start; ticks that passed while it was
     * paused are not caught up. Resuming a schedule that runs changes nothing.
     */
    public static Step resume(ScheduleState state, Instant at) {
        if (!state.paused()) {
            return new Step(state, List.of(), List.of());
        }
        Instant from = state.lastTick().isAfter(at) ? state.lastTick() : at;
        return new Step(
                state.with(from, state.lastStartedTick(), state.running(), null).withPause(null), List.of(), List.of());
    }
}
