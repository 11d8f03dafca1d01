package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.EventWait.Consume;
import dev.baton.engine.Outbound.SubscribeEvent;
import dev.baton.engine.Outbound.UnsubscribeEvent;
import dev.baton.protocol.EventDelivery;
import dev.baton.protocol.RequestMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event correlation's rules, one record at a time: who gets an event, which kept event a step takes, expiry. */
class EventCorrelationTopologyTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final OrchestratorSettings settings = OrchestratorSettings.newBuilder().build();
    final OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> mail;
    TestInputTopic<String, byte[]> correlation;
    TestOutputTopic<String, byte[]> requests;
    TestOutputTopic<String, byte[]> deadLetters;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlation-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Map<String, Map<String, Duration>> fields = Map.of("mail.delivered", Map.of("$.orderId", Duration.ofHours(1)));
        driver = new TopologyTestDriver(
                EventCorrelation.topology(settings, Set.of("mail.delivered"), () -> fields, metrics), props, T0);
        mail = driver.createInputTopic("mail.delivered", new StringSerializer(), new ByteArraySerializer());
        correlation =
                driver.createInputTopic("baton.event-correlation", new StringSerializer(), new ByteArraySerializer());
        requests = driver.createOutputTopic("baton.requests", new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("baton.dlq", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldDeliverAnEventToTheStepThatWaitsForItsValue() {
        subscribe("order-1", "o-1", Consume.ONE);
        subscribe("order-2", "o-2", Consume.ONE);
        event("m-1", "o-1", 1);
        List<Delivered> out = delivered();
        assertThat(out).containsExactly(new Delivered("order-1", "order-1/D/1", 1));
        assertThat(kept()).isZero();
    }

    @Test
    void shouldKeepAnEarlyEventAndHandTheOldestToTheStepThatStartsLater() {
        event("m-1", "o-1", 1);
        event("m-2", "o-1", 2);
        assertThat(delivered()).isEmpty();
        assertThat(kept()).isEqualTo(2);
        subscribe("order-1", "o-1", Consume.ONE);
        assertThat(delivered()).containsExactly(new Delivered("order-1", "order-1/D/1", 1));
        subscribe("order-2", "o-1", Consume.ONE);
        assertThat(delivered()).containsExactly(new Delivered("order-2", "order-2/D/1", 2));
        subscribe("order-3", "o-1", Consume.ONE);
        assertThat(delivered()).as("each kept event is taken once").isEmpty();
        assertThat(kept()).isZero();
    }

    @Test
    void shouldServeTheStepThatWaitedFirstWhenSeveralTakeOne() {
        subscribe("order-2", "o-1", Consume.ONE);
        subscribe("order-1", "o-1", Consume.ONE);
        event("m-1", "o-1", 1);
        assertThat(delivered()).containsExactly(new Delivered("order-2", "order-2/D/1", 1));
        event("m-2", "o-1", 2);
        assertThat(delivered()).containsExactly(new Delivered("order-1", "order-1/D/1", 2));
    }

    @Test
    void shouldLetEveryStepThatReadsAllHaveTheEventAndKeepItForLaterOnes() {
        subscribe("watch-1", "o-1", Consume.ALL);
        subscribe("watch-2", "o-1", Consume.ALL);
        event("m-1", "o-1", 1);
        assertThat(delivered())
                .containsExactlyInAnyOrder(
                        new Delivered("watch-1", "watch-1/D/1", 1), new Delivered("watch-2", "watch-2/D/1", 1));
        assertThat(kept()).isEqualTo(1);
        subscribe("watch-3", "o-1", Consume.ALL);
        assertThat(delivered()).containsExactly(new Delivered("watch-3", "watch-3/D/1", 1));
        subscribe("order-1", "o-1", Consume.ONE); // a step that takes it: then it is gone
        assertThat(delivered()).containsExactly(new Delivered("order-1", "order-1/D/1", 1));
        assertThat(kept()).isZero();
    }

    @Test
    void shouldSayWhereATakenEventGoesBackAndTakeItBackForTheNextStep() {
        subscribe("order-1", "o-1", Consume.ONE);
        event("m-1", "o-1", 1);
        var delivery = (EventDelivery) RequestMessage.parse(requests.readValue());
        assertThat(delivery.taken().correlationKey()).isEqualTo("mail.delivered|$.orderId|o-1");
        assertThat(delivery.taken().expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        // order-1 no longer waited: its instance gives the event back; the next step to wait gets it.
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) delivery.event();
        correlation.pipeInput(delivery.taken().correlationKey(), CorrelationRecords.event(record, 1000));
        assertThat(kept()).isEqualTo(1);
        subscribe("order-2", "o-1", Consume.ONE);
        assertThat(delivered()).containsExactly(new Delivered("order-2", "order-2/D/1", 1));
        subscribe("watch-1", "o-1", Consume.ALL);
        event("m-2", "o-1", 2);
        assertThat(((EventDelivery) RequestMessage.parse(requests.readValue())).taken())
                .as("a step that only reads the event does not take it")
                .isNull();
    }

    @Test
    void shouldNotHandOutAnEventThatExpired() {
        event("m-1", "o-1", 1);
        driver.advanceWallClockTime(Duration.ofMinutes(61));
        assertThat(kept()).isZero();
        assertThat(counter("baton.events.expired")).isEqualTo(1);
        subscribe("order-1", "o-1", Consume.ONE);
        assertThat(delivered()).isEmpty();
    }

    @Test
    void shouldNotDeliverToAStepThatUnsubscribed() {
        subscribe("order-1", "o-1", Consume.ONE);
        correlation.pipeInput(
                "mail.delivered|$.orderId|o-1",
                CorrelationRecords.unsubscribe(
                        new UnsubscribeEvent("order-1", "D", "order-1/D/1", "mail.delivered", "$.orderId", "o-1")));
        event("m-1", "o-1", 1);
        assertThat(delivered()).isEmpty();
        assertThat(kept()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAnEventThatIsNotJsonAndSkipOneWithoutTheField() {
        mail.pipeInput("m-1", "not json".getBytes(StandardCharsets.UTF_8));
        mail.pipeInput("m-2", "{\"other\": 1}".getBytes(StandardCharsets.UTF_8));
        var dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(
                        dead.get(0).headers().lastHeader("baton.dlq.reason").value(), StandardCharsets.UTF_8))
                .startsWith("an event for an event step must be JSON");
        assertThat(kept()).isZero();
    }

    private void subscribe(String instanceId, String orderId, Consume consume) {
        var s = new SubscribeEvent(
                instanceId, "D", instanceId + "/D/1", "mail.delivered", "$.orderId", orderId, consume);
        correlation.pipeInput(CorrelationRecords.key(s), CorrelationRecords.subscribe(s));
    }

    private void event(String key, String orderId, int n) {
        mail.pipeInput(key, ("{\"orderId\": \"" + orderId + "\", \"n\": " + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    record Delivered(String instanceId, String commandId, int n) {}

    private List<Delivered> delivered() {
        return requests.readRecordsToList().stream()
                .map(r -> {
                    var d = (EventDelivery) RequestMessage.parse(r.value());
                    var value = (Map<?, ?>) ((Map<?, ?>) d.event()).get("value");
                    return new Delivered(r.key(), d.commandId(), ((Number) value.get("n")).intValue());
                })
                .toList();
    }

    private long kept() {
        return metrics.bufferedEvents().getOrDefault("mail.delivered", 0L);
    }

    private double counter(String name) {
        Counter c = metrics.registry().find(name).counter();
        return c == null ? 0 : c.count();
    }
}
