package dev.baton.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Inbound.CancelInstance;
import dev.baton.engine.Inbound.CompensateInstance;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Outbound.CancelChild;
import dev.baton.engine.Outbound.CompensateChild;
import dev.baton.engine.Outbound.ParentOutcome;
import dev.baton.engine.Outbound.StartChild;
import dev.baton.engine.Outbound.StepCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Steps that run another workflow. A small in-memory runtime ({@link Family}) carries the engine's outbound messages
 * between parent and child the way the Kafka runtime does (start, cancel and undo requests to the child; the child's
 * outcome to the parent's callback), and leaves worker commands for the test to answer.
 */
class SubWorkflowStoryTest {

    /** The child: authorize a payment, then capture it; both can be undone. */
    static WorkflowDefinition payment() {
        return WorkflowDefinition.builder("payment")
                .version(1)
                .step("authorize", s -> s.topic("cards").compensate("cards"))
                .step("capture", s -> s.topic("cards").after("authorize").compensate("cards"))
                .build();
    }

    /** The parent: reserve stock, pay through the payment workflow, ship. */
    static WorkflowDefinition order() {
        return WorkflowDefinition.builder("order")
                .version(1)
                .step("reserve", s -> s.topic("stock").compensate("stock"))
                .step("pay", s -> s.workflow("payment").after("reserve").input(Map.of("amount", "$.request.amount")))
                .step("ship", s -> s.topic("shipping").after("pay"))
                .build();
    }

    @Test
    void shouldStartTheChildWithADerivedIdAndTakeItsResultAsTheStepsOutput() {
        var f = new Family(payment(), order()).start("order", "o-1", Map.of("amount", 25));
        f.succeed("o-1", "reserve");

        StartChild start = f.sent(StartChild.class).get(0);
        assertThat(start.childInstanceId()).isEqualTo("o-1:pay:1");
        assertThat(start.parent()).isEqualTo(new ParentRef("o-1", "pay", "o-1/pay/1"));
        assertThat(start.input()).isEqualTo(Map.of("amount", 25));
        Instance child = f.instance("o-1:pay:1");
        assertThat(child.parent()).isEqualTo(start.parent());
        assertThat(child.input()).isEqualTo(Map.of("amount", 25));
        assertThat(f.instance("o-1").step("pay").state()).isEqualTo(StepState.RUNNING);

        f.succeed("o-1:pay:1", "authorize").succeed("o-1:pay:1", "capture");

        assertThat(child = f.instance("o-1:pay:1"))
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.SUCCEEDED));
        StepExecution pay = f.instance("o-1").step("pay");
        assertThat(pay.state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(pay.output())
                .isEqualTo(Map.of("authorize", Map.of("by", "authorize"), "capture", Map.of("by", "capture")));
        assertThat(f.pendingCommands()).containsExactly("o-1 execute ship");
        f.succeed("o-1", "ship");
        assertThat(f.instance("o-1").outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void shouldFailTheParentsStepNamingTheChildAndItsFailedStepAfterTheChildHasUndoneItself() {
        var f = new Family(payment(), order()).start("order", "o-2", Map.of("amount", 25));
        f.succeed("o-2", "reserve").succeed("o-2:pay:1", "authorize").fail("o-2:pay:1", "capture", "CardDeclined");

        assertThat(f.pendingCommands()).containsExactly("o-2:pay:1 compensate authorize");
        assertThat(f.instance("o-2").step("pay").state())
                .as("the parent waits for the child's undo")
                .isEqualTo(StepState.RUNNING);
        f.compensated("o-2:pay:1", "authorize");

        assertThat(f.instance("o-2:pay:1").outcome()).isEqualTo(Outcome.FAILED);
        StepExecution pay = f.instance("o-2").step("pay");
        assertThat(pay.state()).isEqualTo(StepState.FAILED);
        assertThat(pay.error().type()).isEqualTo("CardDeclined");
        assertThat(pay.error().message()).contains("o-2:pay:1").contains("'capture'");
        assertThat(f.pendingCommands())
                .as("the failed child is not asked to undo anything again")
                .containsExactly("o-2 compensate reserve");
        f.compensated("o-2", "reserve");
        assertThat(f.instance("o-2").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.instance("o-2").compensated()).containsExactly("reserve");
    }

    @Test
    void shouldFailTheParentsStepWhenTheChildsWorkflowIsNotDeployed() {
        var f = new Family(order()).start("order", "o-9", Map.of("amount", 25));
        f.succeed("o-9", "reserve");

        StepExecution pay = f.instance("o-9").step("pay");
        assertThat(pay.state()).isEqualTo(StepState.FAILED);
        assertThat(pay.error().type()).isEqualTo(ErrorTypes.UNKNOWN_WORKFLOW);
        assertThat(pay.error().message())
                .isEqualTo(
                        "cannot start sub-workflow instance 'o-9:pay:1': unknown workflow 'payment': deploy it first");
        assertThat(f.instance("o-9:pay:1")).as("no child was created").isNull();
        assertThat(f.pendingCommands()).containsExactly("o-9 compensate reserve");
    }

    @Test
    void shouldFailTheParentsCompensationWhenTheChildIsNoLongerStored() {
        var f = new Family(payment(), order()).start("order", "o-8", Map.of("amount", 25));
        f.succeed("o-8", "reserve").succeed("o-8:pay:1", "authorize").succeed("o-8:pay:1", "capture");
        f.forget("o-8:pay:1").fail("o-8", "ship", "NoCarrier");

        StepExecution pay = f.instance("o-8").step("pay");
        assertThat(pay.state()).isEqualTo(StepState.COMPENSATION_FAILED);
        assertThat(pay.compensationError().type()).isEqualTo(ErrorTypes.COMPENSATION_FAILED);
        assertThat(pay.compensationError().message())
                .isEqualTo("sub-workflow instance 'o-8:pay:1' is no longer stored (its retention ran out), "
                        + "so its work cannot be compensated");
        assertThat(f.instance("o-8").status())
                .as("an operator must decide what to do about the child's work")
                .isEqualTo(ProcessStatus.INCIDENT);
    }

    @Test
    void shouldAskASucceededChildToUndoItsStepsWhenTheParentFailsLater() {
        var f = new Family(payment(), order()).start("order", "o-3", Map.of("amount", 25));
        f.succeed("o-3", "reserve").succeed("o-3:pay:1", "authorize").succeed("o-3:pay:1", "capture");
        f.fail("o-3", "ship", "NoCarrier");

        CompensateChild undo = f.sent(CompensateChild.class).get(0);
        assertThat(undo.childInstanceId()).isEqualTo("o-3:pay:1");
        assertThat(undo.parent().commandId()).isEqualTo("o-3/pay/1/compensate/1");
        assertThat(f.instance("o-3").step("pay").state()).isEqualTo(StepState.COMPENSATING);
        assertThat(f.pendingCommands())
                .as("the child undoes its chain from the end, the parent's reserve waits")
                .containsExactly("o-3:pay:1 compensate capture");

        f.compensated("o-3:pay:1", "capture");
        assertThat(f.pendingCommands()).containsExactly("o-3:pay:1 compensate authorize");
        f.compensated("o-3:pay:1", "authorize");

        assertThat(f.instance("o-3").step("pay").state()).isEqualTo(StepState.COMPENSATED);
        assertThat(f.instance("o-3:pay:1").compensated()).containsExactly("capture", "authorize");
        assertThat(f.instance("o-3:pay:1").outcome())
                .as("the child's result stays as published")
                .isEqualTo(Outcome.SUCCEEDED);
        assertThat(f.pendingCommands()).containsExactly("o-3 compensate reserve");
        f.compensated("o-3", "reserve");
        assertThat(f.instance("o-3").compensated()).containsExactly("pay", "reserve");
        assertThat(f.instance("o-3").status()).isEqualTo(ProcessStatus.COMPLETED);
    }

    @Test
    void shouldRaiseAnIncidentInTheParentWhenTheChildCannotUndoAndRetryThroughTheParent() {
        var f = new Family(payment(), order()).start("order", "o-4", Map.of());
        f.succeed("o-4", "reserve").succeed("o-4:pay:1", "authorize").succeed("o-4:pay:1", "capture");
        f.fail("o-4", "ship", "NoCarrier").compensationFailed("o-4:pay:1", "capture");

        StepExecution pay = f.instance("o-4").step("pay");
        assertThat(pay.state()).isEqualTo(StepState.COMPENSATION_FAILED);
        assertThat(pay.compensationError().message()).contains("o-4:pay:1").contains("'capture'");
        assertThat(f.instance("o-4").status()).isEqualTo(ProcessStatus.INCIDENT);

        f.feed("o-4", new Inbound.RetryInstance("o-4", "pay", f.now));
        assertThat(f.pendingCommands()).containsExactly("o-4:pay:1 compensate capture");
        f.compensated("o-4:pay:1", "capture").compensated("o-4:pay:1", "authorize");
        assertThat(f.instance("o-4").step("pay").state()).isEqualTo(StepState.COMPENSATED);
    }

    @Test
    void shouldCancelTheRunningChildWhenTheParentIsCancelled() {
        var f = new Family(payment(), order()).start("order", "o-5", Map.of());
        f.succeed("o-5", "reserve").succeed("o-5:pay:1", "authorize");

        f.feed("o-5", new CancelInstance("o-5", "customer withdrew", f.now));

        CancelChild cancel = f.sent(CancelChild.class).get(0);
        assertThat(cancel.childInstanceId()).isEqualTo("o-5:pay:1");
        assertThat(f.instance("o-5:pay:1").outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(f.instance("o-5").step("pay").state()).isEqualTo(StepState.ABANDONED);
        assertThat(f.pendingCommands())
                .containsExactlyInAnyOrder(
                        "o-5:pay:1 execute capture", "o-5:pay:1 compensate authorize", "o-5 compensate reserve");
        f.compensated("o-5:pay:1", "authorize").compensated("o-5", "reserve");
        assertThat(f.instance("o-5").outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(f.instance("o-5").step("pay").state())
                .as("the cancelled child reports its end")
                .isEqualTo(StepState.FAILED);
        assertThat(f.instance("o-5:pay:1").compensated()).containsExactly("authorize");
    }

    @Test
    void shouldCancelTheChildWhenTheParentsStepTimesOut() {
        var def = WorkflowDefinition.builder("order")
                .version(1)
                .step("pay", s -> s.workflow("payment").timeout(Duration.ofMinutes(5)))
                .build();
        var f = new Family(payment(), def).start("order", "o-6", Map.of());
        f.feed("o-6", new Inbound.FireTimeout("o-6", "pay", "o-6/pay/1", f.now));

        assertThat(f.sent(CancelChild.class))
                .extracting(CancelChild::childInstanceId)
                .containsExactly("o-6:pay:1");
        assertThat(f.instance("o-6:pay:1").outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(f.instance("o-6").outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void shouldCancelARunningChildWhenAnotherBranchFailsAndWaitForItsEnd() {
        var def = WorkflowDefinition.builder("order")
                .version(1)
                .step("pay", s -> s.workflow("payment"))
                .step("check", s -> s.topic("fraud"))
                .build();
        var f = new Family(payment(), def).start("order", "o-7", Map.of());
        f.succeed("o-7:pay:1", "authorize").fail("o-7", "check", "Fraud");

        assertThat(f.instance("o-7:pay:1").outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(f.instance("o-7").status()).isEqualTo(ProcessStatus.COMPENSATING);
        f.compensated("o-7:pay:1", "authorize");
        assertThat(f.instance("o-7").step("pay").state()).isEqualTo(StepState.FAILED);
        assertThat(f.instance("o-7").status()).isEqualTo(ProcessStatus.COMPLETED);
    }

    @Test
    void shouldStartTheNextAttemptsChildUnderANewIdWhenAnOperatorRetries() {
        var def = WorkflowDefinition.builder("order")
                .version(1)
                .step("pay", s -> s.workflow("payment", 1).onFailure(dev.baton.definition.FailurePolicy.WAIT))
                .build();
        var f = new Family(payment(), def).start("order", "o-8", Map.of());
        f.fail("o-8:pay:1", "authorize", "Declined");
        assertThat(f.instance("o-8").status()).isEqualTo(ProcessStatus.INCIDENT);

        f.feed("o-8", new Inbound.RetryInstance("o-8", "pay", f.now));
        assertThat(f.sent(StartChild.class))
                .extracting(StartChild::childInstanceId)
                .containsExactly("o-8:pay:1", "o-8:pay:2");
        assertThat(f.sent(StartChild.class).get(1).version()).isEqualTo(1);
        f.succeed("o-8:pay:2", "authorize").succeed("o-8:pay:2", "capture");
        assertThat(f.instance("o-8").outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void shouldFailTheStepWhenTheChildsIdWouldBeTooLong() {
        var f = new Family(payment(), order()).start("order", "o".repeat(196), Map.of());
        f.succeed("o".repeat(196), "reserve");

        Instance parent = f.instance("o".repeat(196));
        assertThat(parent.step("pay").state()).isEqualTo(StepState.FAILED);
        assertThat(parent.step("pay").error().type()).isEqualTo("NestingTooDeep");
        assertThat(f.sent(StartChild.class)).isEmpty();
        assertThat(f.pendingCommands()).containsExactly("o".repeat(196) + " compensate reserve");
    }

    @Test
    void shouldFailTheParentsStepWhenTheChildsIdIsTakenByAnotherInstance() {
        var f = new Family(payment(), order());
        f.start("payment", "o-9:pay:1", Map.of()); // someone chose this id by hand
        f.start("order", "o-9", Map.of()).succeed("o-9", "reserve");

        assertThat(f.instance("o-9").step("pay").state()).isEqualTo(StepState.FAILED);
        assertThat(f.instance("o-9").step("pay").error().type()).isEqualTo("InstanceIdTaken");
        assertThat(f.instance("o-9:pay:1").parent()).isNull();
    }

    @Test
    void shouldIgnoreAnUndoRequestFromAnyoneButTheParent() {
        var f = new Family(payment(), order()).start("payment", "p-1", Map.of());
        f.succeed("p-1", "authorize").succeed("p-1", "capture");
        Decision d = Engine.decide(
                payment(),
                f.instance("p-1"),
                new CompensateInstance("p-1", new ParentRef("intruder", "x", "intruder/x/1/compensate/1"), f.now));
        assertThat(d.notifications()).anyMatch(RequestIgnored.class::isInstance);
        assertThat(d.outbound()).isEmpty();
    }

    /** Parent and child instances with their definitions, and the messages that pass between them. */
    static final class Family {
        final Map<String, WorkflowDefinition> deployed = new HashMap<>();
        final Map<String, Instance> instances = new HashMap<>();
        final List<Outbound> sent = new ArrayList<>();
        final List<StepCommand> pending = new ArrayList<>();
        final Instant now = Instant.parse("2026-01-01T00:00:00Z");

        Family(WorkflowDefinition... definitions) {
            for (WorkflowDefinition d : definitions) {
                deployed.put(d.name(), d);
            }
        }

        Family start(String workflow, String id, Object input) {
            return feed(deployed.get(workflow), new StartInstance(id, input, null, now));
        }

        Family succeed(String id, String stepId) {
            return answer(id, stepId, CommandKind.EXECUTE, true, null);
        }

        Family fail(String id, String stepId, String type) {
            return answer(id, stepId, CommandKind.EXECUTE, false, type);
        }

        Family compensated(String id, String stepId) {
            return answer(id, stepId, CommandKind.COMPENSATE, true, null);
        }

        Family compensationFailed(String id, String stepId) {
            return answer(id, stepId, CommandKind.COMPENSATE, false, "UndoFailed");
        }

        private Family answer(String id, String stepId, CommandKind kind, boolean ok, String errorType) {
            StepCommand c = pending.stream()
                    .filter(p -> p.instanceId().equals(id) && p.stepId().equals(stepId) && p.kind() == kind)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no " + kind + " command for " + id + "/" + stepId + " in " + pendingCommands()));
            pending.remove(c);
            return feed(
                    id,
                    new ReportOutcome(
                            id,
                            stepId,
                            c.commandId(),
                            ok,
                            ok ? Map.of("by", stepId) : null,
                            ok ? null : new Failure(stepId, errorType, stepId + " gave up"),
                            1,
                            now));
        }

        Family feed(String id, Inbound event) {
            Instance stored = instances.get(id);
            return feed(stored == null ? null : deployed.get(stored.workflow()), event);
        }

        /** The child's retention ran out: the runtime forgot it. */
        Family forget(String id) {
            instances.remove(id);
            return this;
        }

        Family feed(WorkflowDefinition definition, Inbound event) {
            Decision d = Engine.decide(definition, instances.get(event.instanceId()), event);
            if (d.instance() != null) {
                instances.put(d.instance().instanceId(), d.instance());
            }
            for (Outbound o : d.outbound()) {
                sent.add(o);
                if (o instanceof StepCommand c) {
                    pending.add(c);
                } else if (o instanceof StartChild c) {
                    feed(
                            deployed.get(c.workflow()),
                            new StartInstance(
                                    c.childInstanceId(),
                                    c.workflow(),
                                    c.version(),
                                    c.input(),
                                    c.businessKey(),
                                    c.parent(),
                                    now));
                } else if (o instanceof CancelChild c) {
                    feed(c.childInstanceId(), new CancelInstance(c.childInstanceId(), c.reason(), now));
                } else if (o instanceof CompensateChild c) {
                    feed(c.childInstanceId(), new CompensateInstance(c.childInstanceId(), c.parent(), now));
                } else if (o instanceof ParentOutcome p) {
                    feed(
                            p.parent().instanceId(),
                            new ReportOutcome(
                                    p.parent().instanceId(),
                                    p.parent().stepId(),
                                    p.parent().commandId(),
                                    p.succeeded(),
                                    p.output(),
                                    p.error(),
                                    1,
                                    now));
                }
            }
            return this;
        }

        Instance instance(String id) {
            return instances.get(id);
        }

        <T extends Outbound> List<T> sent(Class<T> type) {
            return sent.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<String> pendingCommands() {
            return pending.stream()
                    .map(c -> c.instanceId() + " " + c.kind().name().toLowerCase() + " " + c.stepId())
                    .toList();
        }
    }
}
