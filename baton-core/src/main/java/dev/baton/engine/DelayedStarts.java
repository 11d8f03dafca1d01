package dev.baton.engine;

import dev.baton.engine.Inbound.FireStart;
import dev.baton.engine.Notification.InstanceScheduled;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.TimerRequest.CancelStart;
import dev.baton.engine.TimerRequest.ScheduleStart;
import java.time.Instant;

/**
 * A start request with a later {@code startAt}: the instance is recorded at once, RUNNING with every step PENDING and
 * {@link Instance#startsAt()} set, so it can be seen, paused or cancelled; its first steps start when the start timer
 * fires. A cancel before then completes it as cancelled with nothing to compensate. The deadline counts from
 * {@code startAt}.
 */
final class DelayedStarts {
    private DelayedStarts() {}

    /** The new instance waits until {@code startsAt}. */
    static void delay(DecisionDraft d, Instant startsAt) {
        Instance.Builder instance = d.instance;
        instance.startsAt(startsAt);
        d.timer(new ScheduleStart(instance.instanceId(), startsAt));
        d.notify(new InstanceScheduled(
                instance.instanceId(), d.definition.name(), d.definition.version(), startsAt, d.at));
    }

    static void start(DecisionDraft d, FireStart fired) {
        Instance.Builder instance = d.instance;
        if (instance.startsAt() == null || instance.outcome() != null || instance.status() == ProcessStatus.COMPLETED) {
            return; // a duplicate firing, or the instance was cancelled before it started
        }
        instance.startsAt(null);
        d.notify(new InstanceStarted(instance.instanceId(), instance.workflow(), instance.version(), d.at));
        Progress.advance(d);
    }

    /** An instance that completes before its start (a cancel) needs its start timer no more. */
    static void clearOnCompletion(DecisionDraft d) {
        Instance.Builder instance = d.instance;
        if (instance.startsAt() != null) {
            d.timer(new CancelStart(instance.instanceId(), instance.startsAt()));
            instance.startsAt(null);
        }
    }
}
