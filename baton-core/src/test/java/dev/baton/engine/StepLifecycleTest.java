package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.StepLifecycle.Cause;
import dev.baton.engine.StepLifecycle.Transition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepLifecycleTest {
    private static final Path DIAGRAM = Path.of("..", "docs", "step-lifecycle.md");

    @Test
    void shouldReachEveryStateFromPending() {
        Set<StepState> reached = EnumSet.of(StepState.PENDING);
        var queue = new ArrayDeque<StepState>(reached);
        while (!queue.isEmpty()) {
            StepState from = queue.poll();
            for (Transition t : StepLifecycle.TRANSITIONS) {
                if (t.from() == from && reached.add(t.to())) {
                    queue.add(t.to());
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(StepState.values());
    }

    @Test
    void shouldUseEveryCause() {
        assertThat(StepLifecycle.TRANSITIONS.stream().map(Transition::cause)).containsAll(EnumSet.allOf(Cause.class));
    }

    @Test
    void shouldLetAnOperatorBringEveryStateBackToWork() {
        // No state is a dead end: an operator can always redrive, rerun, retry or settle a step.
        Set<StepState> withExit = EnumSet.noneOf(StepState.class);
        StepLifecycle.TRANSITIONS.forEach(t -> withExit.add(t.from()));
        assertThat(withExit).containsExactlyInAnyOrder(StepState.values());
    }

    @Test
    void shouldRefuseAMoveThatIsNotInTheTable() {
        var definition = Workflows.article();
        Instance state = Engine.decide(
                        definition, null, new Inbound.StartInstance("i-1", Map.of(), null, Instant.EPOCH))
                .instance();
        var draft = new DecisionDraft(definition, state, Instant.EPOCH, RuntimeFacts.NONE);
        StepExecution pendingD = state.step("D");

        assertThatThrownBy(() -> draft.move(pendingD, Cause.SUCCEEDED, b -> b))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("step 'D' of instance 'i-1' cannot move from PENDING on SUCCEEDED");
        assertThat(draft.step("D")).as("a refused move changes nothing").isEqualTo(pendingD);
    }

    @Test
    void shouldStampTimesAndTellOfEveryMove() {
        var definition = Workflows.article();
        Instance state = Engine.decide(
                        definition, null, new Inbound.StartInstance("i-1", Map.of(), null, Instant.EPOCH))
                .instance();
        Instant later = Instant.parse("2026-05-01T10:00:00Z");
        var draft = new DecisionDraft(definition, state, later, RuntimeFacts.NONE);

        StepExecution a = draft.move(state.step("A"), Cause.SUCCEEDED, b -> b.output(Map.of("ok", true)));
        assertThat(a.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(a.finishedAt()).isEqualTo(later);
        assertThat(a.startedAt()).as("kept from the start").isEqualTo(Instant.EPOCH);
        StepExecution compensating = draft.move(a, Cause.COMPENSATION_DUE, b -> b.compensationCommandId("c-1"));
        assertThat(compensating.compensationStartedAt()).isEqualTo(later);
        assertThat(compensating.compensationFinishedAt()).isNull();

        Decision decision = draft.decision(state);
        assertThat(decision.notifications())
                .extracting(Notification::type)
                .containsExactly("StepCompleted", "CompensationStarted");
    }

    /**
     * The lifecycle drawn for people: docs/step-lifecycle.md carries the table's diagram. When the table changes, this
     * test rewrites the file and fails, so the new picture is reviewed and committed with the change.
     */
    @Test
    void shouldMatchTheCheckedInDiagram() throws IOException {
        String expected = document();
        String actual = Files.exists(DIAGRAM) ? Files.readString(DIAGRAM, StandardCharsets.UTF_8) : "";
        if (!actual.equals(expected)) {
            Files.writeString(DIAGRAM, expected, StandardCharsets.UTF_8);
        }
        assertThat(actual)
                .as(
                        "%s is out of date with StepLifecycle.TRANSITIONS; it has been rewritten: review and commit it",
                        DIAGRAM.normalize())
                .isEqualTo(expected);
    }

    private static String document() {
        var sb = new StringBuilder();
        sb.append("# Step lifecycle\n\n");
        sb.append("Every state a step of an instance can be in, and every move between them. The engine changes a\n");
        sb.append("step's state only through one function that looks the move up in this table\n");
        sb.append(
                "(`dev.baton.engine.StepLifecycle.TRANSITIONS`) and refuses any other; this page is generated from\n");
        sb.append("it by `StepLifecycleTest`, which fails when the two differ.\n\n");
        sb.append("```mermaid\n").append(StepLifecycle.mermaid()).append("```\n\n");
        sb.append("| from | cause | to |\n|---|---|---|\n");
        for (Transition t : StepLifecycle.TRANSITIONS) {
            sb.append("| ")
                    .append(t.from())
                    .append(" | ")
                    .append(t.cause().label())
                    .append(" | ")
                    .append(t.to())
                    .append(" |\n");
        }
        sb.append("\nWhat each cause means (the engine's own words, from `StepLifecycle.Cause`):\n\n");
        sb.append(CAUSES);
        return sb.toString();
    }

    private static final String CAUSES = """
            - **ready**: every step it comes after is done (succeeded or skipped) and its `when` holds.
            - **condition false**: its `when` is false when it becomes ready; a skip counts as done for joins.
            - **succeeded**: the absolute outcome says the work succeeded (a worker, a child instance or an HTTP call),
              also when it arrives late, after a timeout or after the instance stopped waiting: that work is then
              compensated.
            - **signal delivered**: the signal the step waits for arrived.
            - **failed**: the absolute outcome says the work failed, or the step cannot start (nesting too deep).
            - **retryable failure**: an HTTP call failed in a way worth trying again, with calls left in its policy.
            - **backoff over**: the wait after a retryable failure ended; the next call goes out.
            - **timeout**: no outcome within the step's `timeout`.
            - **stopped waiting**: the instance was cancelled, or failed elsewhere while the step waited for a signal
              or a backoff.
            - **retry requested**: an operator retried an incident (or a parent repeated its compensate command).
            - **compensation due**: the item failed or was cancelled, and nothing downstream still awaits its own
              compensation.
            - **compensated** / **compensation failed**: the compensate command's outcome.
            - **redriven**: an operator redrove the completed instance, and the step's work does not stand (it failed,
              timed out, was abandoned or compensated): it runs again under a new attempt.
            - **completed by hand** / **skipped by hand**: an operator settled the step (with an output, or as
              skipped) while the item still stands.
            - **rerun requested**: an operator reruns this step, or one before it (maybe with a new input), on a
              completed instance or one in an incident.
            - **all items done** / **too many items failed**: a `forEach` step ends when its items do: it succeeds
              when no more failed than `toleratedFailures` allows, and fails as soon as more have. A failed (or
              abandoned) forEach step with succeeded items is compensated like a succeeded step: **compensation due**
              then undoes those items.
            """;
}
