package dev.baton.bench;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound;
import dev.baton.engine.Inbound.ReportOutcome;
import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.Instance;
import dev.baton.protocol.InstanceCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the orchestrator does per event, for the article's A → (B ‖ C) → D workflow: read the stored instance
 * state ({@link InstanceCodec#read}), decide ({@link Engine#decide}), write the new state ({@link InstanceCodec#write}).
 * Kafka, the state store and the serialisation of outgoing messages are not included.
 *
 * <p>One benchmark per kind of event, each starting from the stored state that event meets in a real run, and
 * {@link #wholeInstance} for the mix of one instance's life (5 decisions per invocation):
 *
 * <ul>
 *   <li>{@link #start}: a start request; no state to read; A's command goes out.
 *   <li>{@link #fanOut}: A succeeds; B and C start in parallel.
 *   <li>{@link #midInstanceSuccess}: B succeeds while C is still running; nothing starts.
 *   <li>{@link #joinFires}: C succeeds; the join D starts.
 *   <li>{@link #finalSuccess}: D succeeds; the instance completes and its result goes out.
 * </ul>
 *
 * <pre>
 * ./mvnw -q -B -o -pl baton-core,baton-bench install -DskipTests
 * java -jar baton-bench/target/benchmarks.jar EngineBenchmark -t 1 -f 1 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class EngineBenchmark {

    /** docs/examples/article.yaml, which the build copies next to this class. */
    static final WorkflowDefinition ARTICLE = readArticle();

    private static final String ID = "4d2a6c1e-0c49-4c43-9a43-2d4f8c1f0a11";
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00.123456789Z");

    private StartInstance start;
    private ReportOutcome aSucceeds;
    private ReportOutcome bSucceeds;
    private ReportOutcome cSucceeds;
    private ReportOutcome dSucceeds;

    /** The stored state each event meets: after the start, after A, after A and B, after A, B and C. */
    private byte[] started;

    private byte[] afterA;
    private byte[] afterAB;
    private byte[] afterABC;

    @Setup
    public void setUp() {
        var input = new LinkedHashMap<String, Object>();
        input.put("orderId", "o-1001");
        input.put("sku", "book-42");
        input.put("amount", new BigDecimal("25.00"));
        input.put("express", true);
        start = new StartInstance(ID, input, "o-1001", T0);
        aSucceeds = ReportOutcome.success(ID, "A", ID + "/A/1", Map.of("reservationId", "r-9"), T0.plusMillis(40));
        bSucceeds = ReportOutcome.success(ID, "B", ID + "/B/1", Map.of("paymentId", "p-77"), T0.plusMillis(90));
        cSucceeds = ReportOutcome.success(ID, "C", ID + "/C/1", Map.of("parcel", "DHL-1234567"), T0.plusSeconds(3600));
        dSucceeds = ReportOutcome.success(ID, "D", ID + "/D/1", Map.of("notified", true), T0.plusSeconds(3601));

        started = InstanceCodec.write(Engine.decide(ARTICLE, null, start).instance());
        afterA = next(started, aSucceeds);
        afterAB = next(afterA, bSucceeds);
        afterABC = next(afterAB, cSucceeds);
        byte[] done = next(afterABC, dSucceeds);
        if (!InstanceCodec.read(done).isCompleted()) {
            throw new IllegalStateException("the benchmark's story does not complete the instance");
        }
    }

    private static WorkflowDefinition readArticle() {
        try (InputStream in = EngineBenchmark.class.getResourceAsStream("article.yaml")) {
            if (in == null) {
                throw new IllegalStateException("article.yaml is not on the class path (see baton-bench's pom)");
            }
            return DefinitionReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "article.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] next(byte[] state, Inbound event) {
        return InstanceCodec.write(
                Engine.decide(ARTICLE, InstanceCodec.read(state), event).instance());
    }

    /** One decision as the runtime makes it: read, decide, write. */
    private static void decide(byte[] stored, Inbound event, Blackhole bh) {
        Instance current = stored == null ? null : InstanceCodec.read(stored);
        Decision decision = Engine.decide(ARTICLE, current, event);
        bh.consume(InstanceCodec.write(decision.instance()));
        bh.consume(decision);
    }

    @Benchmark
    public void start(Blackhole bh) {
        decide(null, start, bh);
    }

    @Benchmark
    public void fanOut(Blackhole bh) {
        decide(started, aSucceeds, bh);
    }

    @Benchmark
    public void midInstanceSuccess(Blackhole bh) {
        decide(afterA, bSucceeds, bh);
    }

    @Benchmark
    public void joinFires(Blackhole bh) {
        decide(afterAB, cSucceeds, bh);
    }

    @Benchmark
    public void finalSuccess(Blackhole bh) {
        decide(afterABC, dSucceeds, bh);
    }

    /** The five decisions of one instance's life, each on the state the previous one wrote; scores decisions/s. */
    @Benchmark
    @OperationsPerInvocation(5)
    public void wholeInstance(Blackhole bh) {
        Decision d = Engine.decide(ARTICLE, null, start);
        byte[] state = InstanceCodec.write(d.instance());
        bh.consume(d);
        for (Inbound event : new Inbound[] {aSucceeds, bSucceeds, cSucceeds, dSucceeds}) {
            d = Engine.decide(ARTICLE, InstanceCodec.read(state), event);
            state = InstanceCodec.write(d.instance());
            bh.consume(d);
        }
        bh.consume(state);
    }
}
