package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.InputMapping;
import dev.baton.definition.Trigger;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: orders arrive on the shop's own topic while the orchestrator process, which runs the trigger, is killed
 * with SIGKILL and restarted on its data directory, again and again. Every tenth order is written twice. Then every
 * order must have started exactly one instance, run once and published one result: none lost (a record consumed but
 * whose start was not committed is read again) and none doubled (a start written twice names the same instance id).
 *
 * <p>Kills come while records stream in, so the trigger application has a transaction open with consumed records and
 * start requests in it; the test checks that at least one kill did abort such starts (seen as start requests on
 * baton.requests that a read_uncommitted reader sees and a read_committed one does not).
 */
class TriggerCrashIT {
    private static final String TOPIC = "trigcrash.orders.placed";
    private static final int BURST = 25;

    @TempDir
    static Path dir;

    @Test
    void shouldStartEveryOrderExactlyOnceWhenTheOrchestratorIsKilledBetweenTriggerAndStart() throws Exception {
        int n = Soak.size("triggerOrders", 400, 5_000);
        int kills = Soak.size("triggerKills", 3, 10);
        Random random = Soak.random("TriggerCrashIT");
        try (var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                // A 1 s commit interval keeps each trigger transaction open long after its start requests are on
                // the log (the producer's 100 ms linger sends them); at the default 20 ms the commit flushes them
                // with its marker, and a kill almost never falls between the two.
                var orchestrator = new OrchestratorProcess(
                        "orchestrator",
                        kafka.bootstrapServers(),
                        dir.resolve("orchestrator"),
                        4,
                        OrchestratorProcess.CLIENT_PROPERTIES,
                        List.of("--commit-interval", "PT1S"));
                var load = new ArticleWorkload("trigcrash", kafka.bootstrapServers())) {
            orchestrator.start().awaitHealthy(Duration.ofMinutes(2));
            load.createTopics(4);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1)))
                        .all()
                        .get();
            }
            WorkflowDefinition triggered = withTrigger(load);
            load.deploy(triggered, orchestrator);
            load.startLedger().startWorkers();

            List<String> orders = load.ids(0, n);
            List<String> all = new ArrayList<>(orders);
            var written = new AtomicInteger();
            try (var producer = new KafkaProducer<>(
                    Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                    new StringSerializer(),
                    new StringSerializer())) {
                Thread writer = new Thread(() -> writeOrders(producer, orders, written, kills), "orders");
                writer.start();
                for (int k = 0; k < kills; k++) {
                    int target = (k + 1) * n / (kills + 2) + random.nextInt(Math.max(1, n / (kills * 4)));
                    while (written.get() < target) {
                        Thread.sleep(20);
                    }
                    // A burst just before the kill: the trigger reads it at once, and its transaction, holding the
                    // burst's start requests, is open for the next few milliseconds.
                    List<String> burst = load.ids(n + k * BURST, n + (k + 1) * BURST);
                    try (var watch = new UncommittedStarts(kafka.bootstrapServers())) {
                        for (String order : burst) {
                            producer.send(order(order, 1));
                        }
                        producer.flush();
                        // Kill as soon as a start of the burst is written but maybe not yet committed: a fixed pause
                        // raced the trigger's fetch and commit, and on a loaded CI box missed every open transaction.
                        watch.awaitAnyOf(burst, Duration.ofSeconds(10));
                    }
                    Thread.sleep(random.nextInt(3));
                    orchestrator.kill();
                    all.addAll(burst);
                    Soak.log("kill %d/%d after %d orders written", k + 1, kills, written.get());
                    orchestrator.start().awaitHealthy(Duration.ofMinutes(2));
                }
                writer.join();
            }

            List<String> instances =
                    all.stream().map(o -> load.workflow + ":" + o).toList();
            var figures = load.verify(instances, "SUCCEEDED");
            long aborted = abortedStarts(kafka.bootstrapServers());
            figures.put("kills", kills);
            figures.put("abortedStartRequests", aborted);
            Soak.report("TriggerCrashIT", figures);
            assertThat(aborted)
                    .as("start requests of aborted trigger transactions: a kill came between a record and its start")
                    .isPositive();
        }
    }

    /** The workload's article workflow, started by orders on the shop's topic instead of requests. */
    static WorkflowDefinition withTrigger(ArticleWorkload load) {
        WorkflowDefinition plain = load.definition();
        var b = WorkflowDefinition.builder(plain.name())
                .resultTopic(plain.resultTopic())
                .trigger(new Trigger(
                        TOPIC, null, "$.record.orderId", InputMapping.of(Map.of("orderId", "$.record.orderId"))));
        for (var s : plain.steps()) {
            b.step(s.id(), sb -> {
                sb.topic(s.topic()).after(s.after());
                s.compensate().ifPresent(c -> sb.compensate(c.topic()));
            });
        }
        return b.build();
    }

    /** Writes the orders over a few seconds per kill; every tenth twice, as a shop that retries its send does. */
    private static void writeOrders(
            KafkaProducer<String, String> producer, List<String> orders, AtomicInteger written, int kills) {
        long pauseMicros = Math.max(1, (kills + 1) * 8_000_000L / orders.size());
        try {
            for (int i = 0; i < orders.size(); i++) {
                String order = orders.get(i);
                producer.send(order(order, i + 1)).get();
                if (i % 10 == 0) {
                    producer.send(order(order, i + 1)).get();
                }
                written.incrementAndGet();
                java.util.concurrent.TimeUnit.MICROSECONDS.sleep(pauseMicros);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProducerRecord<String, String> order(String order, int amount) {
        return new ProducerRecord<>(TOPIC, order, "{\"orderId\":\"" + order + "\",\"amount\":" + amount + "}");
    }

    /** A read_uncommitted reader of baton.requests from its current end: sees a start as soon as it is written. */
    private static final class UncommittedStarts implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;

        UncommittedStarts(String bootstrap) {
            var config = new HashMap<String, Object>();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            var partitions = new ArrayList<TopicPartition>();
            consumer.partitionsFor("baton.requests")
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        /** Returns once a start request naming one of {@code orders} is on the log, or after {@code timeout}. */
        void awaitAnyOf(List<String> orders, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(5))) {
                    if (r.value() == null) {
                        continue;
                    }
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    if (orders.stream().anyMatch(o -> value.contains("\"" + o + "\""))) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            consumer.close(Duration.ZERO);
        }
    }

    /** Start requests on baton.requests that only a read_uncommitted reader sees: written in aborted transactions. */
    private static long abortedStarts(String bootstrap) {
        return count(bootstrap, "read_uncommitted") - count(bootstrap, "read_committed");
    }

    private static long count(String bootstrap, String isolation) {
        var config = new HashMap<String, Object>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = new ArrayList<TopicPartition>();
            consumer.partitionsFor("baton.requests")
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null
                            && new String(r.value(), StandardCharsets.UTF_8)
                                    .contains("\"workflow\":\"trigcrash-article\"")) {
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
