package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.InvalidDefinitionException;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Outcome;
import dev.baton.protocol.Json;
import dev.baton.protocol.ResultMessage;
import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, items 1 and 3 on a real broker: records of the shop's own topic orders.placed (plain JSON and CloudEvents)
 * start the article's workflow (docs/examples/article-triggered.yaml), duplicates start nothing, the filter skips and
 * counts, unreadable records go to the dead-letter topic, and after D the emit step publishes orders.processed once.
 */
class TriggerIT {
    private static final String WORKFLOW = "article-triggered";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static Orchestrator orchestrator;
    static ArticleServices services;
    static TopicReader results;
    static TopicReader processed;
    static TopicReader deadLetters;
    static TopicReader status;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void deployTheTriggeredArticle() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        orchestrator = new Orchestrator(OrchestratorSettings.newBuilder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .applicationId("it-trigger")
                        .stateDir(dir.resolve("streams"))
                        .partitions(2)
                        .build())
                .start(Duration.ofSeconds(60));
        services = new ArticleServices("trig", kafka.bootstrapServers()).startAll();
        producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        // Written before the deploy: the trigger starts from the moment it is deployed, so this starts nothing.
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("orders.placed", 2, (short) 1)))
                    .all()
                    .get();
        }
        send("o-before", "{\"orderId\":\"o-before\",\"amount\":5}");
        orchestrator.deploy(definition());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> orchestrator.triggerState("orders.placed").orElse(null) == KafkaStreams.State.RUNNING);
        results = new TopicReader(kafka.bootstrapServers(), "trig.results");
        processed = new TopicReader(kafka.bootstrapServers(), "orders.processed");
        deadLetters = new TopicReader(kafka.bootstrapServers(), "baton.dlq");
        status = new TopicReader(kafka.bootstrapServers(), "baton.status");
    }

    @AfterAll
    static void stop() throws Exception {
        producer.close();
        for (TopicReader r : List.of(results, processed, deadLetters, status)) {
            r.close();
        }
        services.close();
        orchestrator.close();
        kafka.close();
    }

    /** The documented example, on the test's own worker and result topics. */
    static WorkflowDefinition definition() throws Exception {
        String yaml = Files.readString(Path.of("..", "docs", "examples", "article-triggered.yaml"))
                .replace("service-", "trig.service-")
                .replace("name: article-triggered", "name: article-triggered\nresultTopic: trig.results");
        return DefinitionReader.read(yaml, "article-triggered.yaml");
    }

    @Test
    void shouldStartOneInstancePerOrderAndIgnoreADuplicateRecord() throws Exception {
        send("k1", "{\"orderId\":\"o-1\",\"amount\":25}");
        send("k2", "{\"orderId\":\"o-2\",\"amount\":30}");
        send("k1-again", "{\"orderId\":\"o-1\",\"amount\":99}"); // the same order once more: the same instance id

        await().atMost(Duration.ofSeconds(60))
                .until(() -> results(WORKFLOW + ":o-1").size() == 1
                        && results(WORKFLOW + ":o-2").size() == 1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> statusOf(WORKFLOW + ":o-1").contains("RequestIgnored"));
        Thread.sleep(1000); // a second start or result would be here by now
        assertThat(results(WORKFLOW + ":o-1")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.output())
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("E", Map.of("topic", "orders.processed", "key", "o-1"));
        });
        assertThat(statusOf(WORKFLOW + ":o-1").stream().filter("InstanceStarted"::equals))
                .hasSize(1);
        assertThat(services.executed.get("A").stream().filter(c -> c.startsWith(WORKFLOW + ":o-1/")))
                .containsExactly(WORKFLOW + ":o-1/A/1");

        // The emit step's record: once per instance, keyed by the order, with the first record's amount.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> processed.withKey("o-2").size() == 1);
        List<ConsumerRecord<byte[], byte[]>> o1 = processed.withKey("o-1");
        assertThat(o1).hasSize(1);
        assertThat(Json.mapper().readTree(o1.get(0).value()).path("amount").asInt())
                .isEqualTo(25);
        assertThat(TopicReader.header(o1.get(0), "ce_type")).isEqualTo("com.example.order.processed");
        assertThat(TopicReader.header(o1.get(0), "ce_id")).isEqualTo(WORKFLOW + ":o-1/E/1");
        assertThat(counter("baton.trigger.starts")).isGreaterThanOrEqualTo(3);
        assertThat(orchestrator
                        .metrics()
                        .registry()
                        .get("baton.requests.ignored")
                        .tag("request", "StartInstance")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(results(WORKFLOW + ":o-before")).isEmpty();
    }

    @Test
    void shouldStartFromCloudEventsInBinaryAndStructuredMode() throws Exception {
        var binary = new RecordHeaders();
        binary.add("ce_specversion", bytes("1.0"));
        binary.add("ce_id", bytes("evt-1"));
        binary.add("ce_type", bytes("com.example.order.placed"));
        binary.add("ce_source", bytes("/shop"));
        binary.add("content-type", bytes("application/json"));
        producer.send(new ProducerRecord<>(
                        "orders.placed", null, bytes("ce-1"), bytes("{\"orderId\":\"ce-1\",\"amount\":7}"), binary))
                .get();
        var structured = new RecordHeaders();
        structured.add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));
        producer.send(new ProducerRecord<>(
                        "orders.placed",
                        null,
                        bytes("ce-2"),
                        bytes("{\"specversion\":\"1.0\",\"id\":\"evt-2\",\"type\":\"com.example.order.placed\","
                                + "\"source\":\"/shop\",\"datacontenttype\":\"application/json\","
                                + "\"data\":{\"orderId\":\"ce-2\",\"amount\":8}}"),
                        structured))
                .get();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> results(WORKFLOW + ":ce-1").size() == 1
                        && results(WORKFLOW + ":ce-2").size() == 1);
        assertThat(results(WORKFLOW + ":ce-2").get(0).status()).isEqualTo(Outcome.SUCCEEDED);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> processed.withKey("ce-2").size() == 1);
        assertThat(Json.mapper()
                        .readTree(processed.withKey("ce-2").get(0).value())
                        .path("amount")
                        .asInt())
                .isEqualTo(8);
    }

    @Test
    void shouldSkipAndCountRecordsTheFilterDoesNotTake() throws Exception {
        double before = counter("baton.trigger.skipped");
        send("free", "{\"orderId\":\"o-free\",\"amount\":0}");
        await().atMost(Duration.ofSeconds(30)).until(() -> counter("baton.trigger.skipped") == before + 1);
        Thread.sleep(1000);
        assertThat(statusOf(WORKFLOW + ":o-free")).isEmpty();
    }

    @Test
    void shouldDeadLetterRecordsThatCannotBeReadOrMappedWithTheReason() throws Exception {
        send("bad-1", "{\"orderId\":{\"nested\":true},\"amount\":5}");
        send("bad-2", "{not json");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> deadLetters.withKey("bad-1").size() == 1
                        && deadLetters.withKey("bad-2").size() == 1);
        assertThat(TopicReader.header(deadLetters.withKey("bad-1").get(0), "baton.dlq.reason"))
                .isEqualTo(
                        "trigger of workflow 'article-triggered': the trigger's instanceId $.record.orderId found an "
                                + "object; it must find a non-empty string or a whole number");
        assertThat(TopicReader.header(deadLetters.withKey("bad-1").get(0), "baton.dlq.topic"))
                .isEqualTo("orders.placed");
        assertThat(TopicReader.header(deadLetters.withKey("bad-2").get(0), "baton.dlq.reason"))
                .startsWith("the record's value is not valid JSON: ");
        // The trigger goes on with the next record.
        send("after-bad", "{\"orderId\":\"o-after-bad\",\"amount\":3}");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> results(WORKFLOW + ":o-after-bad").size() == 1);
    }

    @Test
    void shouldRefuseATriggerOrAnEmitOnBatonsOwnTopics() {
        assertThatThrownBy(() -> orchestrator.deploy(DefinitionReader.read(
                        "name: loop\ntrigger: { topic: baton.requests, instanceId: key }\nsteps:\n  - id: a\n"
                                + "    emit: { topic: baton.callbacks, value: $.request }\n",
                        "loop.yaml")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("trigger.topic: 'baton.requests' is one of Baton's own topics")
                .hasMessageContaining("steps[0].emit.topic: 'baton.callbacks' is one of Baton's own topics");
        assertThat(orchestrator.definitions().latest("loop")).isEmpty();
    }

    private static double counter(String name) {
        var c = orchestrator
                .metrics()
                .registry()
                .find(name)
                .tag("trigger", WORKFLOW)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static List<ResultMessage> results(String instanceId) {
        return results.withKey(instanceId).stream()
                .map(r -> ResultMessage.parse(r.value()))
                .collect(Collectors.toList());
    }

    private static List<String> statusOf(String instanceId) {
        return status.withKey(instanceId).stream()
                .map(r -> {
                    try {
                        return Json.mapper().readTree(r.value()).path("type").asText();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
    }

    private static void send(String key, String json) throws Exception {
        producer.send(new ProducerRecord<>("orders.placed", bytes(key), bytes(json)))
                .get();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
