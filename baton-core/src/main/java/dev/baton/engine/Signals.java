package dev.baton.engine;

import dev.baton.definition.SignalWait;
import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.StepLifecycle.Cause;

/**
 * Signals: a step with {@code signal: name} sends no command; it succeeds, with the payload as its output, when a
 * signal of that name is delivered while it waits. A signal no step waits for at that moment changes nothing.
 */
final class Signals {
    private Signals() {}

    static void deliver(DecisionDraft d, DeliverSignal signal) {
        boolean delivered = false;
        for (StepExecution step : d.steps()) {
            boolean waitsForIt = step.state() == StepState.RUNNING
                    && d.stepDef(step).kind() instanceof SignalWait wait
                    && wait.name().equals(signal.name());
            if (waitsForIt) {
                Timeouts.cancel(d, step);
                Outcomes.succeed(d, step, Cause.SIGNAL_DELIVERED, signal.payload(), 0);
                delivered = true;
            }
        }
        if (!delivered) {
            d.notify(new RequestIgnored(
                    signal.instanceId(),
                    "DeliverSignal",
                    "no step waits for signal '" + signal.name() + "' now",
                    d.at));
            return;
        }
        Progress.advance(d);
    }
}
