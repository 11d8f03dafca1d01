package dev.baton.server.runtime;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Instance;
import dev.baton.protocol.CloudEvents;
import dev.baton.server.tracing.InstanceTrace;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the orchestrator writes for one instance of the article's A → (B ‖ C) → D workflow, given its five decisions:
 * {@link DecisionWriter#records} (messages, CloudEvents headers, status notifications), with every notification or
 * only the instance's own ({@link StatusEvents}). {@link #sdkHeaders} and {@link #batonHeaders} price the CloudEvents
 * headers of those records alone, the SDK's way (as Baton wrote them up to 2026-12-04) and Baton's own. The setup
 * prints how many records and bytes one instance writes under each choice.
 *
 * <p>In the runtime's package because the writer is not public API.
 *
 * <pre>
 * java -jar baton-bench/target/benchmarks.jar DecisionRecordsBenchmark -t 1 -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class DecisionRecordsBenchmark {
    static final WorkflowDefinition ARTICLE = DefinitionReader.read("""
            name: article
            resultTopic: article.results
            steps:
              - { id: A, topic: a.commands }
              - { id: B, topic: b.commands, after: [A] }
              - { id: C, topic: c.commands, after: [A] }
              - { id: D, topic: d.commands, after: [B, C] }
            """, "bench.yaml");
    private static final String ID = "4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11";
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00.123Z");
    private static final URI SOURCE = URI.create(CloudEvents.SOURCE);
    private static final CloudEventSerializer SDK = new CloudEventSerializer();

    @Param({"ALL", "INSTANCE"})
    public StatusEvents statusEvents;

    private DecisionWriter writer;
    private final List<Decision> decisions = new ArrayList<>();
    private final List<Instant> times = new ArrayList<>();

    @Setup
    public void setUp() {
        writer = new DecisionWriter(
                OrchestratorSettings.newBuilder().statusEvents(statusEvents).build());
        Inbound[] story = {
            new StartInstance(ID, Map.of("orderId", "o-1001"), "o-1001", T0),
            ReportOutcome.success(ID, "A", ID + "/A/1", Map.of("reservationId", "r-9"), T0.plusMillis(40)),
            ReportOutcome.success(ID, "B", ID + "/B/1", Map.of("paymentId", "p-77"), T0.plusMillis(90)),
            ReportOutcome.success(ID, "C", ID + "/C/1", Map.of("parcel", "DHL-1234567"), T0.plusMillis(95)),
            ReportOutcome.success(ID, "D", ID + "/D/1", Map.of("notified", true), T0.plusMillis(130)),
        };
        Instance state = null;
        int records = 0;
        long bytes = 0;
        for (Inbound event : story) {
            Decision d = Engine.decide(ARTICLE, state, event);
            decisions.add(d);
            times.add(event.at());
            state = d.instance();
            for (DecisionWriter.Outgoing r : writer.records(d, ARTICLE.name(), event.at(), InstanceTrace.none())) {
                records++;
                bytes += r.key().length() + r.routed().value().length;
                for (Header h : r.headers()) {
                    bytes += h.key().length() + h.value().length;
                }
            }
        }
        System.out.printf(
                "%nstatusEvents=%s: one instance writes %d records, %d bytes of keys, values and headers"
                        + " (besides its %d changelog records)%n",
                statusEvents, records, bytes, story.length);
    }

    /** The records of one instance's five decisions. */
    @Benchmark
    public void records(Blackhole bh) {
        for (int i = 0; i < decisions.size(); i++) {
            bh.consume(writer.records(decisions.get(i), ARTICLE.name(), times.get(i), InstanceTrace.none()));
        }
    }

    /** The CloudEvents headers of one instance's records, as the SDK builds and writes them. */
    @Benchmark
    public void sdkHeaders(Blackhole bh) {
        for (int i = 0; i < decisions.size(); i++) {
            for (int n = 0; n < perDecision(i); n++) {
                Headers h = new RecordHeaders();
                SDK.serialize(
                        "",
                        h,
                        CloudEventBuilder.v1()
                                .withId(ID + "/" + n)
                                .withSource(SOURCE)
                                .withType(CloudEvents.STATUS)
                                .withSubject(ID)
                                .withTime(times.get(i).atOffset(ZoneOffset.UTC))
                                .withDataContentType(CloudEvents.CONTENT_TYPE)
                                .build());
                bh.consume(h);
            }
        }
    }

    /** The same headers as Baton writes them: the decision's time formatted once. */
    @Benchmark
    public void batonHeaders(Blackhole bh) {
        for (int i = 0; i < decisions.size(); i++) {
            byte[] time = CloudEventRecords.time(times.get(i));
            for (int n = 0; n < perDecision(i); n++) {
                bh.consume(CloudEventRecords.headers(CloudEvents.STATUS, ID + "/" + n, ID, time));
            }
        }
    }

    private int perDecision(int i) {
        Decision d = decisions.get(i);
        int n = d.outbound().size();
        for (var note : d.notifications()) {
            n += statusEvents.publishes(note) ? 1 : 0;
        }
        return n;
    }
}
