package dev.baton.engine;

import dev.baton.definition.EventWait;
import dev.baton.engine.Inbound.DeliverEvent;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Outbound.ReturnEvent;
import dev.baton.engine.Outbound.SubscribeEvent;
import dev.baton.engine.Outbound.UnsubscribeEvent;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events: a step with {@code event:} sends no command. When it starts it subscribes to its topic under the
 * correlation value read from its instance, and the runtime's event correlation delivers the oldest buffered event
 * with that value, or the next to arrive; when it stops waiting for any other reason it unsubscribes. What it waits
 * for is kept as the step's input ({@code {"topic", "field", "correlation"}}), so the unsubscribe names the same value
 * however the instance's data changed since, and people see what the step waits for.
 */
final class Events {
    private Events() {}

    /** What the step waits for, as its input: the topic, the event's correlation field and the value it must have. */
    static Map<String, Object> waitingFor(EventWait event, Map<String, Object> data) {
        var m = new LinkedHashMap<String, Object>();
        m.put("topic", event.topic());
        m.put("field", event.correlationField());
        m.put("correlation", EventWait.correlationText(event.equalsPath().resolve(data)));
        return m;
    }

    /**
     * Subscribes the step that just started; fails it instead when its instance has no correlation value, since no
     * event could ever match.
     *
     * @return whether the step waits now (and its timeout is to be set)
     */
    static boolean subscribe(DecisionDraft d, StepExecution started, EventWait event) {
        String correlation = correlationOf(started);
        if (correlation == null) {
            Outcomes.fail(
                    d,
                    started,
                    new Failure(
                            started.stepId(),
                            ErrorTypes.NO_CORRELATION_VALUE,
                            event.equalsPath() + " is missing (or not a string, number or boolean) in instance '"
                                    + d.instance.instanceId() + "': no event could match"),
                    0);
            return false;
        }
        d.send(new SubscribeEvent(
                d.instance.instanceId(),
                started.stepId(),
                started.commandId(),
                event.topic(),
                event.correlationField(),
                correlation,
                event.consume()));
        return true;
    }

    /**
     * Called for every step that leaves RUNNING: an event step that did not get its event withdraws its
     * subscription, so a later event is not spent on a step that no longer waits.
     */
    static void leftRunning(DecisionDraft d, StepExecution step, Cause cause) {
        if (cause == Cause.EVENT_DELIVERED || !(d.stepDef(step).kind() instanceof EventWait event)) {
            return; // the correlation removed the subscription as it delivered
        }
        String correlation = correlationOf(step);
        if (correlation != null) {
            d.send(new UnsubscribeEvent(
                    d.instance.instanceId(),
                    step.stepId(),
                    step.commandId(),
                    event.topic(),
                    event.correlationField(),
                    correlation));
        }
    }

    static void deliver(DecisionDraft d, DeliverEvent delivery) {
        StepExecution step = d.step(delivery.stepId());
        boolean waits = step != null
                && step.state() == StepState.RUNNING
                && delivery.commandId().equals(step.commandId())
                && d.stepDef(step).kind() instanceof EventWait;
        if (!waits) {
            // why: the correlation removed the event as it delivered it; dropped here, no other step would get it.
            if (delivery.taken() != null && delivery.taken().expiresAt().isAfter(d.at)) {
                d.send(new ReturnEvent(
                        delivery.instanceId(),
                        delivery.taken().correlationKey(),
                        delivery.event(),
                        delivery.taken().expiresAt()));
            }
            d.notify(new RequestIgnored(
                    delivery.instanceId(),
                    "DeliverEvent",
                    "step '" + delivery.stepId() + "' does not wait for an event under " + delivery.commandId()
                            + (delivery.taken() != null ? "; the event goes back to the correlation" : ""),
                    d.at));
            return;
        }
        Timeouts.cancel(d, step);
        Outcomes.succeed(d, step, Cause.EVENT_DELIVERED, delivery.event(), 0);
        Progress.advance(d);
    }

    private static String correlationOf(StepExecution step) {
        return step.input() instanceof Map<?, ?> m && m.get("correlation") instanceof String s ? s : null;
    }
}
