package dev.baton.engine;

import dev.baton.definition.Sleep;
import dev.baton.engine.Inbound.FireWake;
import dev.baton.engine.Notification.StepSleeping;
import dev.baton.engine.StepLifecycle.Cause;
import dev.baton.engine.TimerRequest.CancelWake;
import dev.baton.engine.TimerRequest.ScheduleWake;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Steps that wait for a time. A {@code sleep} step sends nothing: it runs until its wake time (its start plus its
 * duration, or the instant its {@code until} path names), then succeeds with {@code {"sleptUntil": <instant>}}. A
 * wake time that has passed already succeeds at once; an {@code until} that is no instant fails the step. The wait
 * rides on a wake timer under the step's command id, so a duplicate or late firing changes nothing; while the step
 * waits, {@link StepExecution#dueAt()} holds the wake time. A repeating step's delay between rounds uses the same
 * timer ({@link Repeats}).
 */
final class Sleeps {
    /** A wake time further ahead than this is a mistake in the data, and would overflow the timer's key. */
    static final Duration FURTHEST = Duration.ofDays(3650);

    private Sleeps() {}

    /** Starts the sleep of a step that has just moved to RUNNING; never awaits an outcome. */
    static void start(DecisionDraft d, StepExecution started, Sleep sleep) {
        Instant wakeAt;
        if (sleep.duration() != null) {
            wakeAt = d.at.plus(sleep.duration());
        } else {
            Object value = sleep.until().resolve(d.instance.build().data());
            wakeAt = instantOf(value);
            String problem = wakeAt == null
                    ? "is " + describe(value) + ", not an ISO-8601 instant such as 2026-06-01T02:00:00Z"
                    : wakeAt.isAfter(d.at.plus(FURTHEST))
                            ? "is " + wakeAt + ", more than " + FURTHEST.toDays() + " days ahead"
                            : null;
            if (problem != null) {
                Outcomes.fail(
                        d,
                        started,
                        new Failure(
                                started.stepId(),
                                ErrorTypes.WAKE_TIME_UNREADABLE,
                                "the wake time at " + sleep.until() + " " + problem),
                        0);
                return;
            }
        }
        if (!wakeAt.isAfter(d.at)) {
            Outcomes.succeed(d, started, Cause.WOKE_UP, sleptUntil(wakeAt), 0);
            return;
        }
        waitUntil(d, started, wakeAt);
        d.notify(new StepSleeping(d.instance.instanceId(), started.stepId(), started.commandId(), wakeAt, d.at));
    }

    /** The running step waits for {@code at} rather than for an outcome; a wake timer is set unless it is due now. */
    static StepExecution waitUntil(DecisionDraft d, StepExecution step, Instant at) {
        StepExecution waiting = step.toBuilder().dueAt(at).build();
        d.instance.step(waiting);
        if (at.isAfter(d.at)) {
            d.timer(new ScheduleWake(d.instance.instanceId(), step.stepId(), step.commandId(), at));
        }
        return waiting;
    }

    /** Clears the wake timer of a step that stops waiting for its time. */
    static void cancelWake(DecisionDraft d, StepExecution step) {
        d.timer(new CancelWake(d.instance.instanceId(), step.stepId(), step.commandId(), step.dueAt()));
    }

    /** A running step that waits for a time, not for an outcome: it has nothing in flight. */
    static boolean waitsForTime(StepExecution step) {
        return step.state() == StepState.RUNNING && step.dueAt() != null;
    }

    static void wake(DecisionDraft d, FireWake wake) {
        StepExecution step = d.step(wake.stepId());
        if (step == null || !waitsForTime(step) || !wake.commandId().equals(step.commandId())) {
            return; // a duplicate or late firing: the step woke up, moved on to another round, or stopped waiting
        }
        if (d.stepDef(step).sleep().isPresent()) {
            Outcomes.succeed(d, step, Cause.WOKE_UP, sleptUntil(step.dueAt()), 0);
        } else if (d.instance.paused()) {
            return; // the round is held back; Recovery.resume sends it
        } else {
            Repeats.nextRound(d, step);
        }
        Progress.advance(d);
    }

    private static Map<String, Object> sleptUntil(Instant at) {
        return Map.of("sleptUntil", at.toString());
    }

    /** An ISO-8601 instant with a zone offset ({@code Z} or {@code +02:00}); {@code null} for anything else. */
    private static Instant instantOf(Object value) {
        if (!(value instanceof String text)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        String text = String.valueOf(value);
        return "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
    }
}
