package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.Outbound.StepCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The article's process where the request carries order lines and B runs once per line ({@code forEach}), at most
 * three lines at a time.
 */
class ForEachStoryTest {
    static WorkflowDefinition articleWithLines(String toleratedFailures) {
        return DefinitionReader.read("""
                name: article
                version: 1
                steps:
                  - id: A
                    topic: service-a.commands
                    compensate: { topic: service-a.commands }
                  - id: B
                    topic: service-b.commands
                    after: [A]
                    forEach:
                      items: $.request.lines
                      maxConcurrency: 3
                      toleratedFailures: %s
                    input:
                      orderId: $.request.orderId
                      sku: $.item.sku
                      line: $.index
                    compensate: { topic: service-b.commands }
                  - id: C
                    topic: service-c.commands
                    after: [A]
                    compensate: { topic: service-c.commands }
                  - id: D
                    topic: service-d.commands
                    after: [B, C]
                """.formatted(toleratedFailures), "article-lines.yaml");
    }

    static Map<String, Object> order(int lines) {
        var list = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < lines; i++) {
            list.add(Map.of("sku", "sku-" + i));
        }
        return Map.of("orderId", "o-7", "lines", list);
    }

    private static ForEachRig afterA(String tolerated, int lines) {
        return new ForEachRig(articleWithLines(tolerated)).start(order(lines)).stepSucceeded("A");
    }

    @Test
    void shouldRunBOncePerLineAndCollectTheOutputsInListOrder() {
        ForEachRig rig = afterA("0", 5);
        assertThat(rig.commands("B", CommandKind.EXECUTE))
                .extracting(StepCommand::commandId)
                .containsExactly("order-7/B#0/1", "order-7/B#1/1", "order-7/B#2/1");
        assertThat(rig.commands("B", CommandKind.EXECUTE).get(1).input())
                .isEqualTo(Map.of("orderId", "o-7", "sku", "sku-1", "line", 1));

        rig.itemSucceeded("B", 2, "charged-2").itemSucceeded("B", 0, "charged-0");
        assertThat(rig.commands("B", CommandKind.EXECUTE)).hasSize(5);
        rig.itemSucceeded("B", 4, "charged-4").itemSucceeded("B", 1, "charged-1");
        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.RUNNING);
        rig.itemSucceeded("B", 3, "charged-3");

        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(rig.instance().step("B").output())
                .isEqualTo(List.of("charged-0", "charged-1", "charged-2", "charged-3", "charged-4"));
        rig.stepSucceeded("C").stepSucceeded("D");
        assertThat(rig.results()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(((Map<?, ?>) r.output()).get("B"))
                    .isEqualTo(List.of("charged-0", "charged-1", "charged-2", "charged-3", "charged-4"));
        });
    }

    @Test
    void shouldKeepItemOutputsOutOfTheInstanceUntilTheStepCompletes() {
        ForEachRig rig = afterA("0", 4).itemSucceeded("B", 0, Map.of("receipt", "r-0"));
        assertThat(rig.items()).containsKey("B#0");
        assertThat(rig.instance().step("B").output()).isNull();
        assertThat(rig.decisions().get(rig.decisions().size() - 1).items())
                .singleElement()
                .satisfies(r -> assertThat(r.output()).isEqualTo(Map.of("receipt", "r-0")));
    }

    @Test
    void shouldIgnoreADuplicateItemOutcome() {
        ForEachRig rig = afterA("0", 4).itemSucceeded("B", 1, "first");
        Instance before = rig.instance();
        int sent = rig.commands().size();

        rig.itemSucceeded("B", 1, "second");

        Decision last = rig.decisions().get(rig.decisions().size() - 1);
        assertThat(last.notifications())
                .singleElement()
                .isInstanceOfSatisfying(
                        OutcomeIgnored.class, n -> assertThat(n.reason()).isEqualTo(IgnoredBecause.DUPLICATE));
        assertThat(rig.instance()).isEqualTo(before);
        assertThat(rig.commands()).hasSize(sent);
        assertThat(rig.items().get("B#1").output()).isEqualTo("first");
    }

    @Test
    void shouldIgnoreAnOutcomeForAnItemNeverStartedOrOfAnotherAttempt() {
        ForEachRig rig = afterA("0", 10);
        Instance before = rig.instance();
        rig.feed(Inbound.ReportOutcome.success(
                "order-7", "B", "order-7/B#7/1", "early", rig.instance().updatedAt()));
        rig.feed(Inbound.ReportOutcome.success(
                "order-7", "B", "order-7/B#0/9", "other", rig.instance().updatedAt()));
        rig.feed(Inbound.ReportOutcome.success(
                "order-7", "B", "order-7/B#x/1", "junk", rig.instance().updatedAt()));
        assertThat(rig.instance()).isEqualTo(before);
        assertThat(rig.decisions()
                        .subList(rig.decisions().size() - 3, rig.decisions().size()))
                .flatExtracting(Decision::notifications)
                .extracting(n -> ((OutcomeIgnored) n).reason())
                .containsExactly(IgnoredBecause.UNKNOWN_COMMAND, IgnoredBecause.STALE, IgnoredBecause.UNKNOWN_COMMAND);
    }

    @Test
    void shouldSucceedWhenNoMoreItemsFailThanTolerated() {
        ForEachRig rig = afterA("1", 3)
                .itemSucceeded("B", 0, "charged-0")
                .itemFailed("B", 1)
                .itemSucceeded("B", 2, "charged-2");

        StepExecution b = rig.instance().step("B");
        assertThat(b.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(b.output()).isEqualTo(java.util.Arrays.asList("charged-0", null, "charged-2"));
        assertThat(b.fanOut().failed().toString()).isEqualTo("1");
        assertThat(rig.items().get("B#1").error().message()).isEqualTo("line 1 is out of stock");
    }

    @Test
    void shouldFailBeyondToleranceWaitForItemsInFlightThenCompensateTheSucceededItems() {
        ForEachRig rig = afterA("1", 6).stepSucceeded("C");
        rig.itemSucceeded("B", 0, "charged-0").itemFailed("B", 1); // 3 and 4 start
        rig.itemFailed("B", 2);

        StepExecution b = rig.instance().step("B");
        assertThat(b.state()).isEqualTo(StepState.FAILED);
        assertThat(b.error().message()).startsWith("2 of 6 items failed, more than the 1 tolerated");
        assertThat(rig.instance().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(rig.commands("B", CommandKind.EXECUTE))
                .as("nothing more starts")
                .hasSize(5);
        assertThat(rig.commands("B", CommandKind.COMPENSATE))
                .as("items 3 and 4 are in flight")
                .isEmpty();
        assertThat(rig.instance().status()).isEqualTo(ProcessStatus.COMPENSATING);

        rig.itemSucceeded("B", 3, "charged-3").itemSucceeded("B", 4, "charged-4");

        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.COMPENSATING);
        assertThat(rig.commands("B", CommandKind.COMPENSATE))
                .extracting(StepCommand::commandId)
                .containsExactly(
                        "order-7/B#0/1/compensate/1", "order-7/B#3/1/compensate/1", "order-7/B#4/1/compensate/1");
        assertThat(rig.commands("B", CommandKind.COMPENSATE).get(1).input())
                .isEqualTo(Map.of("input", Map.of("orderId", "o-7", "sku", "sku-3", "line", 3), "output", "charged-3"));
        assertThat(rig.commands("C", CommandKind.COMPENSATE)).hasSize(1);
        assertThat(rig.commands("A", CommandKind.COMPENSATE))
                .as("A waits for B and C")
                .isEmpty();

        rig.itemCompensated("B", 4).itemCompensated("B", 0).stepCompensated("C");
        assertThat(rig.commands("A", CommandKind.COMPENSATE)).isEmpty();
        rig.itemCompensated("B", 3);

        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.COMPENSATED);
        assertThat(rig.commands("A", CommandKind.COMPENSATE)).hasSize(1);
        rig.stepCompensated("A");
        assertThat(rig.results()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.compensated()).containsExactly("C", "B", "A");
        });
    }

    @Test
    void shouldCompensateEveryItemOfASucceededStepWhenALaterStepFails() {
        ForEachRig rig = afterA("0", 5);
        for (int i = 0; i < 5; i++) {
            rig.itemSucceeded("B", i, "charged-" + i);
        }
        rig.stepSucceeded("C").stepFailed("D");

        assertThat(rig.commands("B", CommandKind.COMPENSATE))
                .as("at most maxConcurrency compensations at once")
                .hasSize(3);
        rig.itemCompensated("B", 1);
        assertThat(rig.commands("B", CommandKind.COMPENSATE)).hasSize(4);
        rig.itemCompensated("B", 0).itemCompensated("B", 2).itemCompensated("B", 3);
        rig.itemCompensated("B", 4);
        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.COMPENSATED);
        assertThat(rig.fanOut("B").compensated().toString()).isEqualTo("0-4");
    }

    @Test
    void shouldRaiseAnIncidentWhenAnItemsCompensationFailsAndRetryOnlyTheItemsNotCompensated() {
        ForEachRig rig = afterA("0", 2).itemSucceeded("B", 0, "c0").itemSucceeded("B", 1, "c1");
        rig.stepSucceeded("C").stepFailed("D").stepCompensated("C");
        rig.itemCompensated("B", 0).itemCompensationFailed("B", 1);

        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.COMPENSATION_FAILED);
        assertThat(rig.instance().status()).isEqualTo(ProcessStatus.INCIDENT);
        assertThat(rig.instance().step("B").compensationError().message()).contains("1 of 2", "item 1");

        rig.feed(new Inbound.RetryInstance("order-7", "B", rig.instance().updatedAt()));

        assertThat(rig.commands("B", CommandKind.COMPENSATE))
                .extracting(StepCommand::commandId)
                .containsExactly(
                        "order-7/B#0/1/compensate/1", "order-7/B#1/1/compensate/1", "order-7/B#1/1/compensate/2");
        rig.itemCompensated("B", 1);
        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.COMPENSATED);
    }

    @Test
    void shouldNeverHaveMoreItemsInFlightThanMaxConcurrency() {
        ForEachRig rig = afterA("100%", 20);
        for (int i = 0; i < 20; i++) {
            assertThat(rig.fanOut("B").running()).isLessThanOrEqualTo(3);
            if (i % 3 == 0) {
                rig.itemFailed("B", i);
            } else {
                rig.itemSucceeded("B", i, i);
            }
        }
        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(rig.decisions())
                .allSatisfy(d -> assertThat(d.outbound().stream()
                                .filter(o ->
                                        o instanceof StepCommand c && c.stepId().equals("B")))
                        .hasSizeLessThanOrEqualTo(3));
    }

    @Test
    void shouldSucceedAtOnceWithAnEmptyList() {
        ForEachRig rig = afterA("0", 0);
        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(rig.instance().step("B").output()).isEqualTo(List.of());
        assertThat(rig.commands("B", CommandKind.EXECUTE)).isEmpty();
        rig.stepSucceeded("C");
        assertThat(rig.commands("D", CommandKind.EXECUTE)).hasSize(1);
    }

    @Test
    void shouldFailClearlyWhenTheItemsAreNotAList() {
        ForEachRig rig = new ForEachRig(articleWithLines("0"))
                .start(Map.of("orderId", "o-7", "lines", "three"))
                .stepSucceeded("A");
        StepExecution b = rig.instance().step("B");
        assertThat(b.state()).isEqualTo(StepState.FAILED);
        assertThat(b.error().type()).isEqualTo(ErrorTypes.ITEMS_NOT_A_LIST);
        assertThat(b.error().message()).isEqualTo("forEach items $.request.lines is the text \"three\", not a list");
        assertThat(rig.instance().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void shouldWaitForItemsInFlightWhenCancelledAndCompensateThem() {
        ForEachRig rig = afterA("0", 5).itemSucceeded("B", 0, "c0");
        rig.feed(new Inbound.CancelInstance(
                "order-7", "customer withdrew", rig.instance().updatedAt()));

        assertThat(rig.instance().step("B").state()).isEqualTo(StepState.ABANDONED);
        assertThat(rig.instance().status()).isEqualTo(ProcessStatus.COMPENSATING);
        assertThat(rig.commands("B", CommandKind.COMPENSATE)).isEmpty();
        rig.itemSucceeded("B", 1, "c1").itemFailed("B", 2).itemSucceeded("B", 3, "c3");

        assertThat(rig.commands("B", CommandKind.EXECUTE))
                .as("nothing started after the cancel")
                .hasSize(4);
        assertThat(rig.commands("B", CommandKind.COMPENSATE))
                .extracting(StepCommand::commandId)
                .containsExactly(
                        "order-7/B#0/1/compensate/1", "order-7/B#1/1/compensate/1", "order-7/B#3/1/compensate/1");
    }

    @Test
    void shouldRunAChildInstancePerItemOfASubWorkflowStepAndCompensateThroughIt() {
        WorkflowDefinition parent = DefinitionReader.read("""
                name: orders
                version: 1
                steps:
                  - id: lines
                    workflow: line
                    forEach: { items: $.request.lines, maxConcurrency: 2 }
                  - id: notify
                    topic: notify.commands
                    after: [lines]
                """, "orders.yaml");
        ForEachRig rig = new ForEachRig(parent).start(order(3));
        List<StartChild> children = rig.decisions().get(0).outbound().stream()
                .filter(StartChild.class::isInstance)
                .map(StartChild.class::cast)
                .toList();
        assertThat(children)
                .extracting(StartChild::childInstanceId)
                .containsExactly("order-7:lines#0:1", "order-7:lines#1:1");
        assertThat(children.get(0).input()).isEqualTo(Map.of("sku", "sku-0"));
        assertThat(children.get(0).parent().commandId()).isEqualTo("order-7/lines#0/1");

        rig.itemSucceeded("lines", 0, "ok").itemSucceeded("lines", 1, "ok").itemSucceeded("lines", 2, "ok");
        rig.stepFailed("notify");

        List<CompensateChild> undo = rig.decisions().get(rig.decisions().size() - 1).outbound().stream()
                .filter(CompensateChild.class::isInstance)
                .map(CompensateChild.class::cast)
                .toList();
        assertThat(undo)
                .extracting(CompensateChild::childInstanceId)
                .containsExactly("order-7:lines#0:1", "order-7:lines#1:1");
        assertThat(undo.get(0).parent().commandId()).isEqualTo("order-7/lines#0/1/compensate/1");
    }
}
