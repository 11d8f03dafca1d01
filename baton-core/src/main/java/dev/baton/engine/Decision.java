package dev.baton.engine;

import java.util.List;

/**
 * What the engine decided for one inbound event: the instance's new state and what to publish. The runtime stores
 * {@link #instance()} and publishes the rest in one transaction, so either all of it happens or none.
 *
 * @param instance the new state; {@code null} when the event concerned no stored instance and created none, or when
 *     the instance is to be forgotten
 * @param rejection why the event cannot be applied at all (an outcome for an unknown instance, a start of a workflow
 *     that is not deployed): the runtime dead-letters it with this reason; {@code null} otherwise
 * @param forget the instance's retention ran out: the runtime deletes its stored state (item results included)
 * @param items forEach items that finished in this decision: the runtime stores each apart from the instance, in
 *     the same transaction
 */
public record Decision(
        Instance instance,
        List<Outbound> outbound,
        List<Notification> notifications,
        List<TimerRequest> timers,
        String rejection,
        boolean forget,
        List<ItemResult> items) {

    public Decision {
        outbound = List.copyOf(outbound);
        notifications = List.copyOf(notifications);
        timers = List.copyOf(timers);
        items = List.copyOf(items);
    }

    public Decision(
            Instance instance,
            List<Outbound> outbound,
            List<Notification> notifications,
            List<TimerRequest> timers,
            String rejection,
            boolean forget) {
        this(instance, outbound, notifications, timers, rejection, forget, List.of());
    }

    public Decision(
            Instance instance, List<Outbound> outbound, List<Notification> notifications, List<TimerRequest> timers) {
        this(instance, outbound, notifications, timers, null, false);
    }

    /** True when nothing changed and nothing is to be published or scheduled. */
    public boolean isEmpty() {
        return outbound.isEmpty()
                && notifications.isEmpty()
                && timers.isEmpty()
                && items.isEmpty()
                && rejection == null
                && !forget;
    }

    public boolean isRejected() {
        return rejection != null;
    }
}
