package dev.baton.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class DefinitionReaderTest {

    /** The example of docs/definitions.md; line numbers in the tests below refer to it. */
    static final String ORDER = """
            name: order-fulfilment
            version: 1
            resultTopic: orders.results
            steps:
              - id: reserve
                topic: stock.commands
                compensate: { topic: stock.commands }
              - id: charge
                topic: payments.commands
                after: [reserve]
                timeout: PT2H
              - id: ship
                topic: shipping.commands
                after: [reserve]
                when: "$.request.express == true"
              - id: notify
                topic: notify.commands
                after: [charge, ship]
            """;

    static final String ORDER_JSON = """
            {
              "name": "order-fulfilment",
              "version": 1,
              "resultTopic": "orders.results",
              "steps": [
                {"id": "reserve", "topic": "stock.commands", "compensate": {"topic": "stock.commands"}},
                {"id": "charge", "topic": "payments.commands", "after": ["reserve"], "timeout": "PT2H"},
                {"id": "ship", "topic": "shipping.commands", "after": ["reserve"], "when": "$.request.express == true"},
                {"id": "notify", "topic": "notify.commands", "after": ["charge", "ship"]}
              ]
            }
            """;

    static WorkflowDefinition orderBuilt() {
        return WorkflowDefinition.builder("order-fulfilment")
                .version(1)
                .resultTopic("orders.results")
                .step("reserve", s -> s.topic("stock.commands").compensate("stock.commands"))
                .step(
                        "charge",
                        s -> s.topic("payments.commands").after("reserve").timeout(Duration.ofHours(2)))
                .step("ship", s -> s.topic("shipping.commands").after("reserve").when("$.request.express == true"))
                .step("notify", s -> s.topic("notify.commands").after("charge", "ship"))
                .build();
    }

    // --- reading ------------------------------------------------------------------------------------------------

    @Test
    void shouldReadTheOrderExample() {
        WorkflowDefinition d = DefinitionReader.read(ORDER, "order.yaml");

        assertThat(d.name()).isEqualTo("order-fulfilment");
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.resultTopic()).isEqualTo("orders.results");
        assertThat(d.steps()).extracting(StepDefinition::id).containsExactly("reserve", "charge", "ship", "notify");

        StepDefinition reserve = d.step("reserve").orElseThrow();
        assertThat(reserve.topic()).isEqualTo("stock.commands");
        assertThat(reserve.after()).isEmpty();
        assertThat(reserve.compensate()).contains(new Compensation("stock.commands"));
        assertThat(reserve.timeout()).isEmpty();
        assertThat(reserve.when()).isEmpty();
        assertThat(reserve.input()).isEmpty();
        assertThat(reserve.outcomeTopic()).isEmpty();
        assertThat(reserve.onFailure()).isEqualTo(FailurePolicy.COMPENSATE);

        StepDefinition charge = d.step("charge").orElseThrow();
        assertThat(charge.after()).containsExactly("reserve");
        assertThat(charge.timeout()).contains(Duration.ofHours(2));
        assertThat(charge.compensate()).isEmpty();

        StepDefinition ship = d.step("ship").orElseThrow();
        assertThat(ship.when()).map(Condition::toString).contains("$.request.express == true");
        assertThat(ship.when().orElseThrow().test(Map.of("request", Map.of("express", true))))
                .isTrue();
        assertThat(ship.when().orElseThrow().test(Map.of("request", Map.of("express", false))))
                .isFalse();

        assertThat(d.step("notify").orElseThrow().after()).containsExactly("charge", "ship");
        assertThat(d.successors("reserve")).containsExactly("charge", "ship");
        assertThat(d.descendants("reserve")).containsExactlyInAnyOrder("charge", "ship", "notify");
        assertThat(d.ancestors("notify")).containsExactlyInAnyOrder("charge", "ship", "reserve");

        assertThat(d).isEqualTo(orderBuilt());
    }

    @Test
    void shouldReadTheSameDefinitionFromJson() {
        assertThat(DefinitionReader.read(ORDER_JSON, "order.json"))
                .isEqualTo(DefinitionReader.read(ORDER, "order.yaml"));
    }

    @Test
    void shouldReadTheExampleFilesOfTheDocs() throws Exception {
        WorkflowDefinition order = DefinitionReader.read(Path.of("../docs/examples/order-fulfilment.yaml"));
        assertThat(order).isEqualTo(orderBuilt());

        WorkflowDefinition article = DefinitionReader.read(Path.of("../docs/examples/article.yaml"));
        assertThat(article.steps()).extracting(StepDefinition::id).containsExactly("A", "B", "C", "D");
        assertThat(article.steps())
                .extracting(StepDefinition::topic)
                .containsExactly(
                        "service-a.commands", "service-b.commands", "service-c.commands", "service-d.commands");
        assertThat(article.successors("A")).containsExactly("B", "C");
        assertThat(article.step("D").orElseThrow().after()).containsExactly("B", "C");
        assertThat(article.steps())
                .filteredOn(s -> s.compensate().isPresent())
                .extracting(StepDefinition::id)
                .containsExactly("A", "B", "C");
    }

    @Test
    void shouldReadAStepThatRunsAnotherWorkflow() throws Exception {
        WorkflowDefinition order = DefinitionReader.read(Path.of("../docs/examples/order-with-payment.yaml"));
        StepDefinition pay = order.step("pay").orElseThrow();
        assertThat(pay.workflow()).contains(new SubWorkflow("payment", null));
        assertThat(pay.topic()).isNull();
        assertThat(pay.compensable())
                .as("undone through the child's own compensations")
                .isTrue();
        assertThat(DefinitionReader.read(Path.of("../docs/examples/payment.yaml"))
                        .steps())
                .hasSize(2);

        WorkflowDefinition pinned = DefinitionReader.read("""
                name: p
                steps:
                  - id: pay
                    workflow: payment
                    version: 3
                """, "p.yaml");
        assertThat(pinned.step("pay").orElseThrow().workflow()).contains(new SubWorkflow("payment", 3));
        assertThat(DefinitionReader.read(DefinitionWriter.toJson(pinned), "p.json"))
                .isEqualTo(pinned);
    }

    @Test
    void shouldRejectAStepThatDoesMoreThanOneThingOrUndoesAWorkflowByHand() {
        assertThat(problems("""
                name: p
                steps:
                  - id: pay
                    topic: payments.commands
                    workflow: payment
                    compensate: payments.commands
                  - id: check
                    signal: ok
                    workflow: payment
                    version: 0
                  - id: pinned
                    topic: t
                    version: 2
                  - id: named
                    workflow: "pay ment"
                """, "p.yaml"))
                .containsExactly(
                        "p.yaml:5: steps[0].workflow: a step does one thing: command a worker (topic), wait for a signal (signal), "
                                + "run a workflow (workflow) or call an endpoint (http); this one has topic and workflow",
                        "p.yaml:6: steps[0].compensate: a step that runs a workflow is undone by that workflow's own compensations "
                                + "(the child instance undoes its completed steps); it takes no 'compensate'",
                        "p.yaml:9: steps[1].workflow: a step does one thing: command a worker (topic), wait for a signal (signal), "
                                + "run a workflow (workflow) or call an endpoint (http); this one has signal and workflow",
                        "p.yaml:10: steps[1].version: must be 1 or more (leave it out for the newest deployed version)",
                        "p.yaml:13: steps[2].version: belongs to a step that runs a workflow: add 'workflow: <name>'",
                        "p.yaml:15: steps[3].workflow: 'pay ment' is not a workflow name (letters, digits, '.', '_' and '-')");
        assertThat(problems("name: p\nsteps:\n  - id: a\n    workflow: w\n    version: many\n", "p.yaml"))
                .containsExactly("p.yaml:5: steps[0].version: must be a whole number");
    }

    @Test
    void shouldReadAnHttpStepWithItsRetryPolicy() throws Exception {
        WorkflowDefinition d = DefinitionReader.read(Path.of("../docs/examples/http-order.yaml"));
        HttpStep http = d.step("notify-crm").orElseThrow().http().orElseThrow();
        assertThat(http.method()).isEqualTo("POST");
        assertThat(http.url().render(Map.of("request", Map.of("orderId", "o 1"))))
                .isEqualTo("http://127.0.0.1:8000/orders/o%201");
        assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(http.retry())
                .isEqualTo(new HttpRetry(
                        4, Duration.ofMillis(500), 2.0, Duration.ofSeconds(10), java.util.Set.of(429, 502, 503, 504)));
        assertThat(DefinitionReader.read(DefinitionWriter.toJson(d), "back.json"))
                .isEqualTo(d);

        HttpStep defaults = DefinitionReader.read(
                        "name: h\nsteps:\n  - id: a\n    http: { url: 'https://x.example/a' }\n", "h.yaml")
                .step("a")
                .orElseThrow()
                .http()
                .orElseThrow();
        assertThat(defaults)
                .isEqualTo(new HttpStep(
                        "POST",
                        UrlTemplate.parse("https://x.example/a"),
                        Map.of(),
                        HttpStep.DEFAULT_TIMEOUT,
                        HttpRetry.defaults()));
    }

    @Test
    void shouldRejectEveryBadFieldOfAnHttpStepWithItsLine() {
        assertThat(problems("""
                name: h
                steps:
                  - id: a
                    topic: t
                    http:
                      method: FETCH
                      url: ftp://x.example/{$.order.id}
                      headers: { Host: x, Idempotency-Key: k, "bad name": v }
                      timeout: PT10M
                      retry:
                        maxAttempts: 0
                        initialBackoff: PT0S
                        multiplier: 0.5
                        maxBackoff: P9999D
                        retryOn: [200, 700]
                """, "h.yaml"))
                .containsExactly(
                        "h.yaml:5: steps[0].http: a step does one thing: command a worker (topic), wait for a signal (signal), "
                                + "run a workflow (workflow) or call an endpoint (http); this one has topic and http",
                        "h.yaml:6: steps[0].http.method: 'FETCH' is not one of: DELETE, GET, PATCH, POST, PUT",
                        "h.yaml:7: steps[0].http.url: 'ftp://x.example/{$.order.id}' must be an absolute URL starting with http:// or https:// and a host",
                        "h.yaml:7: steps[0].http.url: path $.order.id must start with $.request, $.steps.<id>, $.instanceId or $.businessKey",
                        "h.yaml:8: steps[0].http.headers.Host: is set by the HTTP client and cannot be given",
                        "h.yaml:8: steps[0].http.headers.Idempotency-Key: is set by Baton on every call and cannot be given",
                        "h.yaml:8: steps[0].http.headers.bad name: is not a valid header name",
                        "h.yaml:9: steps[0].http.timeout: must be a positive duration of at most PT2M, e.g. PT10S",
                        "h.yaml:11: steps[0].http.retry.maxAttempts: must be 1 to 100 (1 means no retry)",
                        "h.yaml:12: steps[0].http.retry.initialBackoff: must be a positive duration, e.g. PT1S",
                        "h.yaml:14: steps[0].http.retry.maxBackoff: must be at least initialBackoff (PT0S) and at most P3650D",
                        "h.yaml:13: steps[0].http.retry.multiplier: must be between 1 and 100",
                        "h.yaml:15: steps[0].http.retry.retryOn: 200 is a success: it is never retried",
                        "h.yaml:15: steps[0].http.retry.retryOn: 700 is not an HTTP status code (100 to 599)");
        assertThat(problems("name: h\nsteps:\n  - id: a\n    http: { method: GET, retry: { tries: 3 } }\n", "h.yaml"))
                .containsExactly(
                        "h.yaml:4: steps[0].http.url: is required: the endpoint's absolute http:// or https:// URL",
                        "h.yaml:4: steps[0].http.retry.tries: unknown field; allowed: initialBackoff, maxAttempts, maxBackoff, multiplier, retryOn");
        assertThat(problems("name: h\nsteps:\n  - id: a\n    http: { url: 'http://x/{$.request.id' }\n", "h.yaml"))
                .singleElement()
                .asString()
                .startsWith("h.yaml:4: steps[0].http.url: bad placeholder: the placeholder has no closing '}'");
    }

    @Test
    void shouldApplyDefaultsAndAcceptShorthands() {
        WorkflowDefinition d = DefinitionReader.read("""
                name: minimal
                steps:
                  - id: only
                    topic: only.commands
                    compensate: only.undo
                  - id: next
                    topic: next.commands
                    after: only
                    onFailure: WAIT
                    outcomeTopic: next.outcomes
                    description: free text, for people
                    input:
                      orderId: $.request.orderId
                      reservation: $.steps.only.output.id
                      channel: email
                      tries: 3
                description: also free text
                """, "minimal.yaml");
        assertThat(d.version()).isZero();
        assertThat(d.resultTopic())
                .isEqualTo(WorkflowDefinition.DEFAULT_RESULT_TOPIC)
                .isEqualTo("baton.results");
        assertThat(d.step("only").orElseThrow().compensate()).contains(new Compensation("only.undo"));
        StepDefinition next = d.step("next").orElseThrow();
        assertThat(next.after()).containsExactly("only");
        assertThat(next.onFailure()).isEqualTo(FailurePolicy.WAIT);
        assertThat(next.outcomeTopic()).contains("next.outcomes");
        Object input = next.input()
                .orElseThrow()
                .apply(Map.of(
                        "request", Map.of("orderId", "o-1"),
                        "steps", Map.of("only", Map.of("output", Map.of("id", "r-9")))));
        assertThat(input).isEqualTo(Map.of("orderId", "o-1", "reservation", "r-9", "channel", "email", "tries", 3));
    }

    // --- round trip -----------------------------------------------------------------------------------------------

    @Test
    void shouldReadBackWhatTheWriterWrites() {
        WorkflowDefinition everything = WorkflowDefinition.builder("everything")
                .version(7)
                .resultTopic("all.results")
                .step(
                        "a",
                        s -> s.topic("a.commands")
                                .compensate("a.undo")
                                .timeout(Duration.ofSeconds(90))
                                .outcomeTopic("a.outcomes"))
                .step(
                        "b",
                        s -> s.topic("b.commands")
                                .after("a")
                                .onFailure(FailurePolicy.WAIT)
                                .when("$.steps.a.output.ok == true && !($.request.n > 3)")
                                .input(Map.of(
                                        "id",
                                        "$.request.id",
                                        "list",
                                        List.of("$.steps.a.output.items[0]", "fixed", 1),
                                        "flag",
                                        true)))
                .step("c", s -> s.topic("c.commands").after("a").input("$.steps.a.output"))
                .step("d", s -> s.topic("d.commands").after("b", "c"))
                .build();
        for (WorkflowDefinition d : List.of(everything, orderBuilt(), DefinitionReader.read(ORDER, "order.yaml"))) {
            String json = DefinitionWriter.toJson(d);
            assertThat(DefinitionReader.read(json, "written.json")).as(json).isEqualTo(d);
        }
    }

    // --- problems -------------------------------------------------------------------------------------------------

    @Test
    void shouldNameSourceLineAndFieldOfAnUnknownStepAndSuggestTheClosestOne() {
        String text = ORDER.replace(
                "    topic: shipping.commands\n    after: [reserve]",
                "    topic: shipping.commands\n    after: [chrage]");
        assertThat(text).isNotEqualTo(ORDER);
        assertThat(problems(text, "order.yaml"))
                .containsExactly("order.yaml:14: steps[2].after[0]: unknown step 'chrage' (did you mean 'charge'?)");
    }

    @Test
    void shouldNotSuggestAnythingForAStepNameFarFromAllOthers() {
        String text = ORDER.replace("after: [charge, ship]", "after: [charge, invoice]");
        assertThat(problems(text, "order.yaml"))
                .containsExactly("order.yaml:18: steps[3].after[1]: unknown step 'invoice'");
    }

    @Test
    void shouldRejectDuplicateStepIds() {
        String text = ORDER.replace("- id: notify", "- id: charge").replace("after: [charge, ship]", "after: [ship]");
        assertThat(problems(text, "order.yaml"))
                .containsExactly("order.yaml:16: steps[3].id: duplicate step id 'charge' (first defined at steps[1])");
    }

    @Test
    void shouldRejectACycleAndTheStepsThatWaitOnIt() {
        String text = """
                name: loop
                steps:
                  - id: a
                    topic: t
                    after: [c]
                  - id: b
                    topic: t
                    after: [a]
                  - id: c
                    topic: t
                    after: [b]
                  - id: d
                    topic: t
                    after: [b]
                  - id: e
                    topic: t
                """;
        assertThat(problems(text, "loop.yaml"))
                .containsExactly(
                        "loop.yaml:5: steps[0].after: cycle: a -> b -> c -> a",
                        "loop.yaml:14: steps[3].after: step 'd' is unreachable: it waits on a cycle");
    }

    @Test
    void shouldRejectAStepThatWaitsForItself() {
        assertThat(problems("""
                name: self
                steps:
                  - id: a
                    topic: t
                    after: [a]
                """, "self.yaml"))
                .containsExactly("self.yaml:5: steps[0].after[0]: a step cannot wait for itself");
    }

    @Test
    void shouldPlaceAMissingFieldAtItsStep() {
        String text = ORDER.replace("    topic: payments.commands\n", "");
        assertThat(problems(text, "order.yaml"))
                .singleElement()
                .asString()
                .startsWith("order.yaml:8: steps[1].topic: is required: the worker's command topic");
    }

    @Test
    void shouldRejectAStepWithoutAnId() {
        // Regression: a step without an id that waits for another one made reading fail with a NullPointerException.
        String text = ORDER.replace("- id: charge\n    topic: payments.commands", "- topic: payments.commands");
        assertThat(problems(text, "order.yaml"))
                .containsExactly(
                        "order.yaml:8: steps[1].id: is required",
                        "order.yaml:17: steps[3].after[0]: unknown step 'charge'");
    }

    @Test
    void shouldRejectAMissingNameAndMissingSteps() {
        assertThat(problems("version: 2\n", "x.yaml")).containsExactly("x.yaml:1: steps: is required: a list of steps");
        assertThat(problems("steps:\n  - id: a\n    topic: t\n", "x.yaml"))
                .containsExactly("x.yaml:1: name: is required");
        assertThat(problems("name: x\nsteps: []\n", "x.yaml"))
                .containsExactly("x.yaml:2: steps: a workflow needs at least one step");
    }

    @Test
    void shouldRejectADurationThatIsNotIso8601() {
        String text = ORDER.replace("timeout: PT2H", "timeout: two hours");
        assertThat(problems(text, "order.yaml"))
                .containsExactly(
                        "order.yaml:11: steps[1].timeout: 'two hours' is not an ISO-8601 duration such as PT30S, PT5M or PT2H");
        assertThat(problems(ORDER.replace("timeout: PT2H", "timeout: PT0S"), "order.yaml"))
                .containsExactly("order.yaml:11: steps[1].timeout: must be a positive duration, e.g. PT30S or PT2H");
    }

    @Test
    void shouldRejectATimeoutSoLargeThatItsDueTimeWouldOverflow() {
        // Regression: such a definition was accepted, and the engine then failed on every event of its instances.
        assertThat(problems(ORDER.replace("timeout: PT2H", "timeout: PT2562047788015215H"), "order.yaml"))
                .containsExactly("order.yaml:11: steps[1].timeout: must be at most 3650 days (P3650D)");
        assertThat(DefinitionReader.read(ORDER.replace("timeout: PT2H", "timeout: P3650D"), "order.yaml")
                        .step("charge")
                        .orElseThrow()
                        .timeout())
                .contains(Duration.ofDays(3650));
    }

    @Test
    void shouldRejectABadConditionNamingTheColumn() {
        String text = ORDER.replace("\"$.request.express == true\"", "\"$.request.express == \"");
        assertThat(problems(text, "order.yaml"))
                .containsExactly(
                        "order.yaml:15: steps[2].when: bad condition '$.request.express == ': expected a value, a path or '(' (at column 22)");
        assertThat(problems(
                        ORDER.replace("\"$.request.express == true\"", "\"$.request.express = true\""), "order.yaml"))
                .containsExactly(
                        "order.yaml:15: steps[2].when: bad condition '$.request.express = true': unexpected '=' (at column 19)");
    }

    @Test
    void shouldRejectABadPathInAnInputMapping() {
        String text =
                ORDER.replace("    timeout: PT2H\n", "    timeout: PT2H\n    input: { id: \"$.request.items[x]\" }\n");
        assertThat(problems(text, "order.yaml"))
                .containsExactly(
                        "order.yaml:12: steps[1].input: bad path: expected an index or a quoted field name inside [ ] (at column 17)");
    }

    @Test
    void shouldRejectUnknownFieldsWithAHint() {
        String text = ORDER.replace("    after: [charge, ship]", "    afer: [charge, ship]");
        // the allowed fields are listed in alphabetical order; the list grows with the format, so only its start is
        // fixed here
        assertThat(problems(text, "order.yaml"))
                .singleElement()
                .asString()
                .startsWith(
                        "order.yaml:18: steps[3].afer: unknown field (did you mean 'after'?); allowed: after, compensate, description, ")
                .contains(", topic, version, when, workflow");
        assertThat(problems(ORDER.replace("resultTopic:", "resulttopic:"), "order.yaml"))
                .singleElement()
                .asString()
                .startsWith(
                        "order.yaml:3: resulttopic: unknown field (did you mean 'resultTopic'?); allowed: description, name, resultTopic, steps");
        assertThat(problems(
                        ORDER.replace("compensate: { topic: stock.commands }", "compensate: { topik: stock.commands }"),
                        "order.yaml"))
                .contains(
                        "order.yaml:7: steps[0].compensate.topik: unknown field (did you mean 'topic'?); allowed: topic");
        assertThat(problems(
                        ORDER.replace("    compensate: { topic", "    to: x\n    compensate: { topic"), "order.yaml"))
                .as("no hint when nothing is close")
                .singleElement()
                .asString()
                .startsWith("order.yaml:7: steps[0].to: unknown field; allowed: after, ");
    }

    @Test
    void shouldRejectValuesOfTheWrongType() {
        assertThat(problems(ORDER.replace("version: 1", "version: one"), "order.yaml"))
                .containsExactly("order.yaml:2: version: must be a whole number");
        assertThat(problems(ORDER.replace("version: 1", "version: 1.5"), "order.yaml"))
                .containsExactly("order.yaml:2: version: must be a whole number");
        assertThat(problems(ORDER.replace("version: 1", "version: 9999999999"), "order.yaml"))
                .containsExactly("order.yaml:2: version: is too large");
        assertThat(problems(ORDER.replace("topic: payments.commands", "topic: [payments, commands]"), "order.yaml"))
                .containsExactly("order.yaml:9: steps[1].topic: must be a string");
        assertThat(problems(ORDER.replace("after: [charge, ship]", "after: { charge: ship }"), "order.yaml"))
                .containsExactly("order.yaml:18: steps[3].after: must be a step id or a list of step ids");
        assertThat(problems(ORDER.replace("after: [charge, ship]", "after: [charge, [ship]]"), "order.yaml"))
                .containsExactly("order.yaml:18: steps[3].after[1]: must be a step id");
        assertThat(problems(ORDER.replace("compensate: { topic: stock.commands }", "compensate: 5"), "order.yaml"))
                .containsExactly(
                        "order.yaml:7: steps[0].compensate: must be an object such as { topic: stock.commands }");
        assertThat(problems(ORDER.replace("    timeout: PT2H", "    onFailure: retry"), "order.yaml"))
                .containsExactly("order.yaml:11: steps[1].onFailure: 'retry' is not one of: compensate, wait");
        assertThat(problems("name: x\nsteps: reserve\n", "x.yaml"))
                .containsExactly("x.yaml:2: steps: must be a list of steps");
        assertThat(problems("name: x\nsteps:\n  - reserve\n", "x.yaml"))
                .containsExactly("x.yaml:3: steps[0]: a step is an object with at least 'id' and 'topic'");
        assertThat(problems("- a\n- b\n", "x.yaml"))
                .containsExactly("x.yaml:1: a definition is an object with at least 'name' and 'steps'");
    }

    @Test
    void shouldRejectInvalidNamesAndTopics() {
        assertThat(problems(ORDER.replace("topic: notify.commands", "topic: notify commands"), "order.yaml"))
                .containsExactly(
                        "order.yaml:17: steps[3].topic: 'notify commands' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        assertThat(problems(
                        ORDER.replace("- id: ship", "- id: ship it").replace("[charge, ship]", "[charge, ship it]"),
                        "order.yaml"))
                .containsExactly(
                        "order.yaml:12: steps[2].id: 'ship it' may hold only letters, digits, '.', '_' and '-'");
    }

    @Test
    void shouldRejectAPathReadingAStepThatDoesNotRunBefore() {
        String text = ORDER.replace("\"$.request.express == true\"", "\"$.steps.charge.output.express == true\"");
        assertThat(problems(text, "order.yaml"))
                .containsExactly(
                        "order.yaml:15: steps[2].when: path $.steps.charge.output.express reads step 'charge', which does not run before "
                                + "'ship' (only steps it waits for, directly or not, can be read)");
        String input =
                ORDER.replace("    timeout: PT2H\n", "    timeout: PT2H\n    input: { amount: $.order.amount }\n");
        assertThat(problems(input, "order.yaml"))
                .containsExactly(
                        "order.yaml:12: steps[1].input: path $.order.amount must start with $.request, $.steps.<id>, $.instanceId or $.businessKey");
        // a step it waits for indirectly can be read
        String indirect =
                ORDER.replace("after: [charge, ship]", "after: [charge, ship]\n    when: $.steps.reserve.output.ok");
        assertThat(DefinitionReader.read(indirect, "order.yaml")
                        .step("notify")
                        .orElseThrow()
                        .when())
                .isPresent();
    }

    @Test
    void shouldRejectAnEmptyDocument() {
        assertThat(problems("", "order.yaml")).containsExactly("order.yaml:1: the definition is empty");
        assertThat(problems("  \n\n", "order.yaml")).containsExactly("order.yaml:1: the definition is empty");
    }

    @Test
    void shouldRejectTextThatIsNotYamlOrJson() {
        assertThat(problems("name: [unclosed\nsteps: []\n", "order.yaml"))
                .singleElement()
                .asString()
                .startsWith("order.yaml:")
                .contains(": not valid YAML/JSON: ");
        assertThat(problems("{\"name\": \"x\", \"steps\": [", "order.json"))
                .singleElement()
                .asString()
                .startsWith("order.json:1: not valid YAML/JSON: ");
        assertThat(problems("just words", "x.yaml"))
                .containsExactly("x.yaml:1: a definition is an object with at least 'name' and 'steps'");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        String text = ORDER.replace("after: [reserve]\n    timeout: PT2H", "after: [reserv]\n    timeout: soon")
                .replace("- id: notify", "- id: notify\n    colour: blue");
        InvalidDefinitionException e = rejection(text, "order.yaml");
        assertThat(e.problems())
                .extracting(DefinitionProblem::field)
                .containsExactlyInAnyOrder("steps[1].timeout", "steps[3].colour");
        // reading stops before validation when the text itself has problems; the rest is reported once they are fixed
        String fixed = text.replace("timeout: soon", "timeout: PT1H").replace("\n    colour: blue", "");
        assertThat(problems(fixed, "order.yaml"))
                .containsExactly("order.yaml:10: steps[1].after[0]: unknown step 'reserv' (did you mean 'reserve'?)");
        assertThat(e.getMessage())
                .isEqualTo(String.join(
                        "\n",
                        e.problems().stream().map(DefinitionProblem::toString).toList()));
    }

    @Test
    void shouldReportBuilderProblemsWithoutALine() {
        assertThatThrownBy(() -> WorkflowDefinition.builder("x")
                        .step("a", s -> s.topic("t").after("billing"))
                        .build())
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessage("<builder>: steps[0].after[0]: unknown step 'billing'");
    }

    // --- robustness -----------------------------------------------------------------------------------------------

    /** Whatever the text, reading it either gives a definition or an {@link InvalidDefinitionException}. */
    @Property(tries = 1500)
    void readingAnyTextThrowsNothingButInvalidDefinitionException(@ForAll("texts") String text) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, "fuzz.yaml");
            assertThat(DefinitionReader.read(DefinitionWriter.toJson(d), "fuzz.json"))
                    .isEqualTo(d);
        } catch (InvalidDefinitionException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.source()).isEqualTo("fuzz.yaml");
                assertThat(p.line()).isNotNegative();
                assertThat(p.toString()).startsWith("fuzz.yaml");
            });
        }
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(200);
        Arbitrary<String> tokens = Arbitraries.of(
                        "name: ",
                        "steps:",
                        "\n",
                        "\n  - ",
                        "  ",
                        "id: ",
                        "topic: ",
                        "after: ",
                        "[",
                        "]",
                        "{",
                        "}",
                        ", ",
                        ": ",
                        "- ",
                        "when: ",
                        "\"$.request.a == 1\"",
                        "$.steps.a.output",
                        "timeout: ",
                        "PT1H",
                        "P99999999999999D",
                        "compensate: ",
                        "input: ",
                        "onFailure: ",
                        "wait",
                        "a",
                        "b",
                        "t.x",
                        "1e999999999999",
                        "[99999999999]",
                        "((((",
                        "!!!!",
                        "&&",
                        "||",
                        "'",
                        "\"",
                        "&x ",
                        "*x",
                        "!!binary ",
                        "? ",
                        "~",
                        "null",
                        "true",
                        "-1",
                        "9999999999999999999999",
                        "0x1F",
                        ".inf",
                        "---\n",
                        "...\n",
                        "#",
                        "\t",
                        "%YAML 1.2\n",
                        "<<: ",
                        "|\n",
                        ">\n",
                        "version: ",
                        "resultTopic: ",
                        "\u0000",
                        "\uD800")
                .list()
                .ofMaxSize(40)
                .map(l -> String.join("", l));
        Arbitrary<String> mutatedExample = Combinators.combine(
                        Arbitraries.integers().between(0, ORDER.length()),
                        Arbitraries.integers().between(0, 12),
                        Arbitraries.strings()
                                .withChars("[]{}:,-'\"$.!()&|#\n ~*&?")
                                .ofMaxLength(6))
                .as((at, cut, insert) ->
                        ORDER.substring(0, at) + insert + ORDER.substring(Math.min(ORDER.length(), at + cut)));
        return Arbitraries.frequencyOf(Tuple.of(1, anything), Tuple.of(2, tokens), Tuple.of(3, mutatedExample));
    }

    private static List<String> problems(String text, String source) {
        return rejection(text, source).problems().stream()
                .map(DefinitionProblem::toString)
                .toList();
    }

    private static InvalidDefinitionException rejection(String text, String source) {
        try {
            WorkflowDefinition d = DefinitionReader.read(text, source);
            throw new AssertionError("expected " + source + " to be rejected, but it was read as " + d + ":\n" + text);
        } catch (InvalidDefinitionException e) {
            return e;
        }
    }
}
