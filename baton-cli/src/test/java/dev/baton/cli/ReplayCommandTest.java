package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Failure;
import dev.baton.protocol.Json;
import dev.baton.protocol.StartRequest;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.server.runtime.DryRun;
import dev.baton.server.runtime.InputLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table `baton replay` prints from a dry run's report (the article workflow of docs/examples). */
class ReplayCommandTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void shouldPrintTotalsAndOneLinePerInstanceThatIsNotTheSame() throws Exception {
        String article = Files.readString(Path.of("../docs/examples/article.yaml"));
        WorkflowDefinition v1 = DefinitionReader.read(article, "article.yaml");
        WorkflowDefinition candidate = DefinitionReader.read(
                article.replace("topic: service-d.commands", "topic: notify-v2.commands"), "article-v2.yaml");
        var b = new InputLog.Builder("article", null, null, T0.plusSeconds(3600)).deployed(v1, T0.minusSeconds(60));
        run(b, "order-1", List.of("A", "B", "C", "D"), null);
        run(b, "order-2", List.of("A"), "A");
        String table = ReplayCommand.table(
                Json.mapper().valueToTree(DryRun.run(b.build(), candidate).toMap()));
        System.out.print(table);
        assertThat(table.lines())
                .containsExactly(
                        "article: candidate v1 against 2 instances (topics read at 2026-03-01T11:00:00Z)",
                        "  SAME 1  DIFFERS 1  FAILS 0",
                        "INSTANCE                     VERDICT  BASELINE  FIRST DIFFERENCE OR FAILURE",
                        "order-1                      DIFFERS  v1        decision 3 (outcome SUCCEEDED of order-1/C/1"
                                + " (baton.callbacks 0@3)): changed command execute of step D (order-1/D/1) topic:"
                                + " service-d.commands -> notify-v2.commands",
                        "(1 SAME instances not listed; --output json lists every instance)");
    }

    static void run(InputLog.Builder b, String id, List<String> steps, String failing) {
        b.request(id, new StartRequest("article", null, Map.of("orderId", id), null), T0, "baton.requests 0@0");
        int n = 1;
        for (String step : steps) {
            boolean ok = !step.equals(failing);
            b.outcome(
                    new WorkerOutcome(
                            id + "/" + step + "/1",
                            id,
                            step,
                            ok,
                            ok ? Map.of() : null,
                            ok ? null : new Failure(step, "Rejected", "no"),
                            1),
                    T0.plusSeconds(n),
                    "baton.callbacks 0@" + n);
            n++;
        }
    }
}
