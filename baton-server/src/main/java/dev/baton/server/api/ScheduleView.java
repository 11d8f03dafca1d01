package dev.baton.server.api;

import dev.baton.definition.Schedule;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.ScheduleState;
import dev.baton.engine.ScheduleTicks;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A row of {@code GET /api/schedules}: a deployed schedule with its next and last run. */
final class ScheduleView {
    private ScheduleView() {}

    /**
     * The row of {@code definition}'s schedule. {@code state} is the schedule's state where this process holds it;
     * without it the next run is computed from {@code now}, and the last run and pause are unknown ({@code null}).
     */
    static Map<String, Object> of(
            WorkflowDefinition definition, Schedule s, Optional<ScheduleState> state, Instant now, boolean enabled) {
        var row = new LinkedHashMap<String, Object>();
        row.put("workflow", definition.name());
        row.put("version", definition.version());
        row.put("expression", s.expression());
        row.put("cron", s.cron());
        row.put("every", s.every() == null ? null : s.every().toString());
        row.put("timeZone", s.zone().getId());
        row.put("overlap", s.overlap().wireName());
        row.put("catchUp", s.catchUp().wireName());
        row.put("catchUpLimit", s.catchUpLimit());
        row.put("enabled", enabled);
        Instant next = state.map(st -> ScheduleTicks.nextTick(s, st)).orElseGet(() -> s.nextTick(now));
        row.put("nextRun", next.toString());
        row.put(
                "lastRun",
                state.map(ScheduleState::lastStartedTick).map(Instant::toString).orElse(null));
        row.put("lastInstanceId", state.map(ScheduleState::lastInstanceId).orElse(null));
        row.put("running", state.map(ScheduleState::running).orElse(null));
        row.put(
                "queuedTick",
                state.map(ScheduleState::queuedTick).map(Instant::toString).orElse(null));
        row.put("paused", state.map(ScheduleState::paused).orElse(false));
        row.put(
                "pausedBy",
                state.map(ScheduleState::pause).map(ScheduleState.Pause::actor).orElse(null));
        row.put(
                "pauseReason",
                state.map(ScheduleState::pause).map(ScheduleState.Pause::reason).orElse(null));
        row.put("stateKnown", state.isPresent());
        return row;
    }
}
