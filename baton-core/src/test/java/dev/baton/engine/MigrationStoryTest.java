package dev.baton.engine;

import static dev.baton.engine.EngineStory.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Notification.InstanceMigrated;
import dev.baton.engine.Notification.OperatorAction;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Moving running instances to another version of their workflow, and refusing where the state cannot be mapped. */
class MigrationStoryTest {

    /** The article's workflow, version 2: a fraud check between A and the parallel B and C. */
    static WorkflowDefinition articleWithFraudCheck() {
        return WorkflowDefinition.builder("article")
                .version(2)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("fraud", s -> s.topic("fraud.commands").after("A"))
                .step("B", s -> s.topic("service-b.commands").after("fraud").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("fraud").compensate("service-c.commands"))
                .step("D", s -> s.topic("service-d.commands").after("B", "C"))
                .build();
    }

    /** Version 3: D renamed to 'deliver'. */
    static WorkflowDefinition articleWithDeliver() {
        return WorkflowDefinition.builder("article")
                .version(3)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("A").compensate("service-c.commands"))
                .step("deliver", s -> s.topic("service-d.commands").after("B", "C"))
                .build();
    }

    @Test
    void shouldMoveAnInstanceWhoseNextStepsHaveNotStartedAndRunTheNewOnes() {
        var story = given(Workflows.article()).started("item-1");
        story.when()
                .migratedTo(articleWithFraudCheck(), Map.of())
                .then()
                .expectOperatorActed(OperatorAction.MIGRATE)
                .expectNotified(InstanceMigrated.class)
                .expectStep("A", StepState.RUNNING)
                .expectStep("fraud", StepState.PENDING)
                .expectNoCommands();
        assertThat(story.instance().version()).isEqualTo(2);

        story.when().stepSucceeded("A").then().expectCommands("execute fraud");
        story.stepSucceeded("fraud").stepSucceeded("B").stepSucceeded("C").stepSucceeded("D");
        assertThat(story.result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(story.result().version()).isEqualTo(2);
    }

    @Test
    void shouldRenameADoneStepThroughTheMapping() {
        var story = given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .stepFailed("D", "Broken");
        // D failed, so the item failed: its compensation is under way, and D is done: it may be renamed.
        story.when()
                .migratedTo(articleWithDeliver(), Map.of("D", "deliver"))
                .then()
                .expectNotified(InstanceMigrated.class);
        StepExecution deliver = story.instance().step("deliver");
        assertThat(deliver.state()).isEqualTo(StepState.FAILED);
        assertThat(deliver.commandId()).as("what it did comes along").isEqualTo("item-1/D/1");
        assertThat(deliver.error().type()).isEqualTo("Broken");
        assertThat(story.instance().step("D")).isNull();
    }

    @Test
    void shouldRefuseToDropAStepThatStarted() {
        var story = given(articleWithFraudCheck()).started("item-1").stepSucceeded("A");
        Instance before = story.instance();

        story.when()
                .migratedTo(Workflows.article().withVersion(4), Map.of())
                .then()
                .expectRequestIgnored(
                        "step 'fraud' is RUNNING and version 4 has no step for it: map it to one (old=new)")
                .expectNoCommands();
        assertThat(story.instance()).as("a refused migration changes nothing").isEqualTo(before);
    }

    @Test
    void shouldRefuseToRenameAStepWithWorkInFlight() {
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .migratedTo(articleWithDeliver(), Map.of("D", "deliver"))
                .then()
                .expectRequestIgnored(
                        "step 'D' has work in flight (RUNNING), whose outcome names it: it keeps its id until that"
                                + " work is done");
    }

    @Test
    void shouldRefuseAStepWithWorkInFlightThatChangesKind() {
        var signalD = WorkflowDefinition.builder("article")
                .version(5)
                .step("A", s -> s.topic("service-a.commands").compensate("service-a.commands"))
                .step("B", s -> s.topic("service-b.commands").after("A").compensate("service-b.commands"))
                .step("C", s -> s.topic("service-c.commands").after("A").compensate("service-c.commands"))
                .step("D", s -> s.signal("delivered").after("B", "C"))
                .build();
        given(Workflows.article())
                .started("item-1")
                .stepSucceeded("A")
                .stepSucceeded("B")
                .stepSucceeded("C")
                .when()
                .migratedTo(signalD, Map.of())
                .then()
                .expectRequestIgnored("step 'D' has work in flight as a topic step; version 5 makes it a signal step");
    }

    @Test
    void shouldRefuseAMappingOfUnknownStepsAndACompletedInstance() {
        var story = given(Workflows.article()).started("item-1");
        story.when()
                .migratedTo(articleWithDeliver(), Map.of("X", "deliver"))
                .then()
                .expectRequestIgnored("the mapping names step 'X', which version 1 does not have");
        story.stepFailed("A", "Broken")
                .when()
                .migratedTo(articleWithDeliver(), Map.of())
                .then()
                .expectRequestIgnored("the instance has completed: only running instances are migrated");
    }

    @Test
    void shouldRefuseAVersionThatIsNotDeployed() {
        given(Workflows.article())
                .started("item-1")
                .when()
                .feed(new Inbound.MigrateInstance("item-1", null, Map.of(), "ops-alice", "v9", java.time.Instant.EPOCH))
                .then()
                .expectRequestIgnored("that version of workflow 'article' is not deployed");
    }
}
