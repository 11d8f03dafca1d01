package dev.baton.engine;

import dev.baton.definition.SignalWait;
import dev.baton.engine.Inbound.DeliverSignal;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.StepLifecycle.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * Signals: a step with {@code signal: name} sends no command; it succeeds, with the payload as its output, when a
 * signal of that name is delivered while it waits. A signal that arrives before its step waits (the step has not
 * started yet) is kept in the instance, when the runtime buffers signals ({@link RuntimeFacts#signalBuffer()}), and
 * the step takes the oldest one that has not expired as it starts; each kept signal is taken once. A signal no step
 * waits for or will wait for changes nothing.
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
            String ignored = keep(d, signal);
            if (ignored != null) {
                d.notify(new RequestIgnored(signal.instanceId(), "DeliverSignal", ignored, d.at));
            }
            return;
        }
        Progress.advance(d);
    }

    /** Keeps a signal for a step that will wait for it; otherwise says why it changes nothing. */
    private static String keep(DecisionDraft d, DeliverSignal signal) {
        String nobody = "no step waits for signal '" + signal.name() + "' now";
        if (!d.facts.buffersSignals() || d.instance.outcome() != null) {
            return nobody;
        }
        boolean willWait = false;
        for (StepExecution step : d.steps()) {
            willWait |= step.state() == StepState.PENDING
                    && d.stepDef(step).kind() instanceof SignalWait wait
                    && wait.name().equals(signal.name());
        }
        if (!willWait) {
            return nobody;
        }
        List<BufferedSignal> kept = unexpired(d);
        if (kept.size() >= d.facts.signalBufferLimit()) {
            d.instance.bufferedSignals(kept);
            return "no step waits for signal '" + signal.name() + "' yet, and the instance keeps "
                    + d.facts.signalBufferLimit() + " early signals already";
        }
        kept.add(new BufferedSignal(signal.name(), signal.payload(), d.at));
        d.instance.bufferedSignals(kept);
        return null;
    }

    /**
     * Gives the step that just started the oldest kept signal of its name, which succeeds it at once.
     *
     * @return whether the step took one
     */
    static boolean takeBuffered(DecisionDraft d, StepExecution started, SignalWait wait) {
        if (d.instance.bufferedSignalsSoFar().isEmpty()) {
            return false;
        }
        List<BufferedSignal> kept = unexpired(d);
        BufferedSignal taken = null;
        for (BufferedSignal s : kept) {
            if (s.name().equals(wait.name())) {
                taken = s;
                break;
            }
        }
        if (taken != null) {
            kept.remove(taken);
        }
        d.instance.bufferedSignals(kept);
        if (taken == null) {
            return false;
        }
        Outcomes.succeed(d, started, Cause.SIGNAL_DELIVERED, taken.payload(), 0);
        return true;
    }

    /** The kept signals that have not expired, oldest first; without a buffer time (a replay) none expire. */
    private static List<BufferedSignal> unexpired(DecisionDraft d) {
        var kept = new ArrayList<BufferedSignal>();
        for (BufferedSignal s : d.instance.bufferedSignalsSoFar()) {
            if (d.facts.signalBuffer() == null
                    || s.receivedAt().plus(d.facts.signalBuffer()).isAfter(d.at)) {
                kept.add(s);
            }
        }
        return kept;
    }
}
