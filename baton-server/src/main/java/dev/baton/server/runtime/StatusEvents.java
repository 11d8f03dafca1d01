package dev.baton.server.runtime;

import dev.baton.engine.Notification;
import java.util.Set;

/**
 * Which of the engine's notifications the orchestrator publishes on {@code baton.status}. The engine decides every
 * notification either way (metrics, tracing and the state in the store do not change); this only chooses what is
 * written. Step progress is most of the topic: a four-step workflow makes ten notifications, eight of them a step
 * starting or completing, and each is a record the broker stores, marks at commit and serves.
 */
public enum StatusEvents {
    /** Every notification: each step's start, completion, retry, skip and compensation as well. The default. */
    ALL,

    /**
     * What concerns the instance as a whole, and every problem: an instance started, scheduled, failing, completed or
     * migrated; an incident; a step that failed or timed out; a compensation that failed; an outcome or request that
     * was ignored; an operator's action. Not a step's ordinary progress, which the API still shows from the store.
     */
    INSTANCE;

    /**
     * A step's ordinary progress: left out under {@link #INSTANCE}. Listed rather than the kept ones, so that a kind of
     * notification added later is published until someone decides otherwise.
     */
    private static final Set<Class<? extends Notification>> STEP_PROGRESS = Set.of(
            Notification.StepStarted.class,
            Notification.StepCompleted.class,
            Notification.StepSkipped.class,
            Notification.StepSleeping.class,
            Notification.StepRoundCompleted.class,
            Notification.StepRetryScheduled.class,
            Notification.StepAbandoned.class,
            Notification.StepRedriven.class,
            Notification.CompensationStarted.class,
            Notification.CompensationCompleted.class);

    /**
     * The choice named in lower case, as the command line and the configuration file write it.
     *
     * @throws IllegalArgumentException naming the values allowed, for any other
     */
    public static StatusEvents parse(String name) {
        for (StatusEvents choice : values()) {
            if (choice.name().equalsIgnoreCase(name.strip())) {
                return choice;
            }
        }
        throw new IllegalArgumentException("status events must be 'all' or 'instance', not '" + name + "'");
    }

    /** Whether {@code note} is written under this choice. */
    public boolean publishes(Notification note) {
        return this == ALL || !STEP_PROGRESS.contains(note.getClass());
    }
}
