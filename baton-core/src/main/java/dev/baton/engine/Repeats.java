package dev.baton.engine;

import dev.baton.definition.Repeat;
import dev.baton.engine.Notification.StepRoundCompleted;
import dev.baton.engine.StepLifecycle.Cause;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loops: a step with {@code repeat} runs in rounds. Each round is a new attempt of the step, so it goes out under a
 * command id of its own, and an outcome of an earlier round is stale. After a round succeeds, the step's {@code until}
 * condition is tested with the round's output as {@code $.steps.<step>.output}: when it holds the step succeeds with
 * that output; when it does not, the next round goes out (after the {@code delay}, on a wake timer); after the last
 * round the step fails with {@link ErrorTypes#REPEAT_EXHAUSTED}. A failed round fails the step as one run would.
 */
final class Repeats {
    private Repeats() {}

    /**
     * A round's work succeeded: the step succeeds, fails as exhausted, or goes on with its next round. A step that
     * does not repeat simply succeeds.
     */
    static void succeeded(DecisionDraft d, StepExecution step, Object output, int workerAttempts) {
        Repeat repeat = d.stepDef(step).repeat().orElse(null);
        if (repeat == null || d.instance.outcome() != null || repeat.until().test(dataWith(d, step, output))) {
            // An item that failed elsewhere wants no further rounds; the work of this one stands and is compensated.
            Outcomes.succeed(d, step, Cause.SUCCEEDED, output, workerAttempts);
            return;
        }
        if (step.round() >= repeat.max()) {
            Failure error = new Failure(
                    step.stepId(),
                    ErrorTypes.REPEAT_EXHAUSTED,
                    "'" + repeat.until() + "' did not hold after " + repeat.max() + " rounds");
            StepExecution failed = d.move(
                    step,
                    Cause.ROUNDS_EXHAUSTED,
                    b -> b.output(output).error(error).workerAttempts(workerAttempts));
            Progress.itemFails(d, failed, error);
            return;
        }
        Instant next = repeat.delayIfAny().map(d.at::plus).orElse(d.at);
        d.notify(new StepRoundCompleted(
                d.instance.instanceId(), step.stepId(), step.commandId(), step.round(), next, d.at));
        StepExecution done =
                step.toBuilder().output(output).workerAttempts(workerAttempts).build();
        if (next.isAfter(d.at) || d.instance.paused()) {
            // Waits out the delay (or the pause); the round's outcome is taken, so a duplicate of it is ignored.
            Sleeps.waitUntil(d, done, next);
        } else {
            nextRound(d, done);
        }
    }

    /** The next round goes out under the step's next attempt. */
    static void nextRound(DecisionDraft d, StepExecution step) {
        Progress.startStep(d, step, Cause.NEXT_ROUND, 0);
    }

    /** The round a step is in once {@code cause} has started it: a new run starts at 1, a next round counts on. */
    static int roundAfter(DecisionDraft d, StepExecution step, Cause cause) {
        if (d.stepDef(step).repeat().isEmpty()) {
            return 0;
        }
        return switch (cause) {
            case NEXT_ROUND -> step.round() + 1;
            case BACKOFF_OVER -> step.round(); // an HTTP call of the same round, called again after its backoff
            default -> 1;
        };
    }

    /** The instance's data as the condition sees it: the round's output under the step's own id. */
    private static Map<String, Object> dataWith(DecisionDraft d, StepExecution step, Object output) {
        Map<String, Object> data = d.instance.build().data();
        @SuppressWarnings("unchecked")
        var steps = new LinkedHashMap<>((Map<String, Object>) data.get("steps"));
        var own = new LinkedHashMap<String, Object>();
        own.put("output", output);
        steps.put(step.stepId(), own);
        data.put("steps", steps);
        return data;
    }
}
