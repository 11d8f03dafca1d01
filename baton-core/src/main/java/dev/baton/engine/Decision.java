package dev.baton.engine;

import java.util.List;

/**
 * What the engine decided for one inbound event: the instance's new state and what to publish. The runtime stores
 * {@link #instance()} and publishes the rest in one transaction, so either all of it happens or none.
 *
 * @param instance the new state; {@code null} only when the event concerned no instance and created none
 */
public record Decision(
        Instance instance, List<Outbound> outbound, List<Notification> notifications, List<TimerRequest> timers) {

    public Decision {
        outbound = List.copyOf(outbound);
        notifications = List.copyOf(notifications);
        timers = List.copyOf(timers);
    }

    /** True when nothing changed and nothing is to be published or scheduled. */
    public boolean isEmpty() {
        return outbound.isEmpty() && notifications.isEmpty() && timers.isEmpty();
    }
}
