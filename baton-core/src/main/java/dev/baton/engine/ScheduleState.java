package dev.baton.engine;

import java.time.Instant;
import java.util.List;

/**
 * What the orchestrator remembers about one workflow's schedule between ticks (see {@link ScheduleTicks}).
 *
 * @param workflow the scheduled workflow
 * @param lastTick the latest tick dealt with (started, queued, skipped or missed); only later ticks are due. When a
 *     schedule is first seen this is the time it was seen, so a new schedule never catches up on the past
 * @param lastStartedTick the tick of the latest instance the schedule started; null before the first
 * @param running instances the schedule started that have not ended, oldest first (not kept with overlap {@code all},
 *     where no decision needs them)
 * @param queuedTick with overlap {@code queueOne}: the tick waiting for the running instance to end; null for none
 * @param pause who paused the schedule, when and why; null when it runs
 */
public record ScheduleState(
        String workflow,
        Instant lastTick,
        Instant lastStartedTick,
        List<String> running,
        Instant queuedTick,
        Pause pause) {

    /** An operator's pause: no tick starts anything until a resume. */
    public record Pause(String actor, String reason, Instant at) {}

    public ScheduleState {
        running = List.copyOf(running);
    }

    /** A schedule seen for the first time at {@code now}: its first tick is the first after now. */
    public static ScheduleState firstSeen(String workflow, Instant now) {
        return new ScheduleState(workflow, now, null, List.of(), null, null);
    }

    public boolean paused() {
        return pause != null;
    }

    /** The id of the latest instance the schedule started; null before the first. */
    public String lastInstanceId() {
        return lastStartedTick == null ? null : ScheduleTicks.instanceId(workflow, lastStartedTick);
    }

    ScheduleState with(Instant newLastTick, Instant newLastStarted, List<String> newRunning, Instant newQueued) {
        return new ScheduleState(workflow, newLastTick, newLastStarted, newRunning, newQueued, pause);
    }

    ScheduleState withPause(Pause newPause) {
        return new ScheduleState(workflow, lastTick, lastStartedTick, running, queuedTick, newPause);
    }
}
