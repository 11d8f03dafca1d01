package dev.baton.engine;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.FailurePolicy;
import dev.baton.definition.WorkflowDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Definitions the engine stories run on. */
final class Workflows {
    // why: docs/examples/article.yaml is the one definition of the article's workflow (the pom copies it next to this
    // class); the stories run on the very definition the README deploys and the demo's services serve.
    private static final WorkflowDefinition ARTICLE = read("article.yaml");

    private Workflows() {}

    /** The article's process: service A, then B and C in parallel, then D once both are done; A, B, C can be compensated. */
    static WorkflowDefinition article() {
        return ARTICLE;
    }

    private static WorkflowDefinition read(String resource) {
        try (InputStream in = Workflows.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path (see baton-core's pom)");
            }
            return DefinitionReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The article's process with a two-hour limit on C. A copy of {@link #article()} that differs on purpose: the
     * timeout stories need a limit that docs/examples/article.yaml does not set.
     */
    static WorkflowDefinition articleWithTimeoutOnC() {
        return WorkflowDefinition.builder("article")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step(
                        "C",
                        s -> s.topic("service-c.commands")
                                .after("A")
                                .compensate("service-c.commands")
                                .timeout(Duration.ofHours(2)))
                .step("D", s -> s.topic("service-d.commands").after("B", "C"))
                .build();
    }

    /**
     * The article's process started from the user's own topic {@code orders.placed}; after D an emit step publishes
     * {@code orders.processed}, keyed by the order id (docs/examples/article-triggered.yaml).
     */
    static WorkflowDefinition articleTriggered() {
        return ARTICLE_TRIGGERED;
    }

    private static final WorkflowDefinition ARTICLE_TRIGGERED = read("article-triggered.yaml");

    static WorkflowDefinition chain() {
        return WorkflowDefinition.builder("chain")
                .version(1)
                .step("one", s -> s.topic("one").compensate("one"))
                .step("two", s -> s.topic("two").after("one").compensate("two"))
                .step("three", s -> s.topic("three").after("two").compensate("three"))
                .step("four", s -> s.topic("four").after("three"))
                .build();
    }

    /** The order example of docs/definitions.md: shipping only for express orders. */
    static WorkflowDefinition orderFulfilment() {
        return WorkflowDefinition.builder("order-fulfilment")
                .version(1)
                .step("reserve", s -> s.topic("stock.commands").compensate("stock.commands"))
                .step(
                        "charge",
                        s -> s.topic("payments.commands")
                                .after("reserve")
                                .compensate("payments.commands")
                                .input(java.util.Map.of(
                                        "orderId",
                                        "$.request.orderId",
                                        "reservation",
                                        "$.steps.reserve.output.reservationId")))
                .step("ship", s -> s.topic("shipping.commands").after("reserve").when("$.request.express == true"))
                .step("notify", s -> s.topic("notify.commands").after("charge", "ship"))
                .build();
    }

    static WorkflowDefinition waitingOnFailure() {
        return WorkflowDefinition.builder("manual")
                .version(1)
                .step("prepare", s -> s.topic("prepare").compensate("prepare"))
                .step("approve", s -> s.topic("approve").after("prepare").onFailure(FailurePolicy.WAIT))
                .step("finish", s -> s.topic("finish").after("approve"))
                .build();
    }

    /** A refund that waits for a person's approval (a signal) between checking and paying. */
    static WorkflowDefinition refundWithApproval() {
        return WorkflowDefinition.builder("refund")
                .version(1)
                .step("check", s -> s.topic("refund.check").compensate("refund.check"))
                .step("approval", s -> s.signal("approved").after("check").timeout(Duration.ofHours(24)))
                .step(
                        "pay",
                        s -> s.topic("refund.pay")
                                .after("approval")
                                .input(java.util.Map.of("approvedBy", "$.steps.approval.output.by")))
                .build();
    }

    /**
     * The article's workflow where D waits for the mail service's {@code mail.delivered} event of the order instead
     * of commanding a worker.
     */
    static WorkflowDefinition articleWaitingForDelivery(dev.baton.definition.EventWait.Consume consume) {
        return WorkflowDefinition.builder("article-delivery")
                .version(1)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A"))
                .step("C", s -> s.topic("service-c.commands").after("A"))
                .step(
                        "D",
                        s -> s.event(new dev.baton.definition.EventWait(
                                        "mail.delivered",
                                        "$.orderId",
                                        dev.baton.definition.DataPath.parse("$.request.orderId"),
                                        consume,
                                        null))
                                .after("B", "C")
                                .timeout(Duration.ofHours(24)))
                .build();
    }
}
