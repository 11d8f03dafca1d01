package dev.baton.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real embedded broker: transactions, restart on the same directory, two brokers side by side. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKafkaIT {

    private static final String TOPIC = "baton.it.events";

    @TempDir
    Path tmp;

    @Test
    void transactionalRecordsAndTopicsSurviveARestart() throws Exception {
        Path dir = tmp.resolve("kafka");
        String firstAddress;

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            firstAddress = kafka.bootstrapServers();
            assertThat(firstAddress).matches("127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");
            assertThat(kafka.dataDir()).isEqualTo(dir.toAbsolutePath().normalize());
            assertThat(dir.resolve("meta.properties")).exists();

            try (Admin admin = admin(kafka)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "it-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "k1", "committed-1"));
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "k2", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            assertThat(readCommitted(kafka, "g1", 1)).containsExactly("committed-1");

            kafka.close();
            kafka.close(); // idempotent
        }

        // Same directory again: no re-format, topic and committed data are still there.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            try (Admin admin = admin(kafka)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TOPIC);
            }
            assertThat(readCommitted(kafka, "g2", 1)).containsExactly("committed-1");

            // Transaction state was recovered too: the same transactional id works after the restart.
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "it-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "k3", "committed-2"));
                producer.commitTransaction();
            }
            assertThat(readCommitted(kafka, "g3", 2)).containsExactly("committed-1", "committed-2");
        }
    }

    @Test
    void twoBrokersInTwoDirectoriesRunAtOnce() throws Exception {
        CompletableFuture<EmbeddedKafka> a =
                CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(tmp.resolve("a"), 0));
        CompletableFuture<EmbeddedKafka> b =
                CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(tmp.resolve("b"), 0));
        try (EmbeddedKafka ka = a.get(60, TimeUnit.SECONDS);
                EmbeddedKafka kb = b.get(60, TimeUnit.SECONDS)) {
            assertThat(ka.bootstrapServers()).isNotEqualTo(kb.bootstrapServers());
            try (Admin adminA = admin(ka);
                    Admin adminB = admin(kb)) {
                adminA.createTopics(List.of(new NewTopic("only-in-a", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                adminB.createTopics(List.of(new NewTopic("only-in-b", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                Set<String> topicsA = adminA.listTopics().names().get(30, TimeUnit.SECONDS);
                Set<String> topicsB = adminB.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(topicsA).contains("only-in-a").doesNotContain("only-in-b");
                assertThat(topicsB).contains("only-in-b").doesNotContain("only-in-a");
                String clusterA = adminA.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                String clusterB = adminB.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                assertThat(clusterA).isNotEqualTo(clusterB);
            }
        } finally {
            a.thenAccept(EmbeddedKafka::close);
            b.thenAccept(EmbeddedKafka::close);
        }
    }

    @Test
    void takenPortIsReportedClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            Path dir = tmp.resolve("never-formatted");
            assertThatThrownBy(() -> EmbeddedKafka.start(dir, port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("already in use");
            assertThat(Files.exists(dir)).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafka kafka, String txId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Reads from the beginning with read_committed until {@code expected} values arrived (or 20 s passed). */
    private static List<String> readCommitted(EmbeddedKafka kafka, String group, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            // Give a wrongly visible aborted record a moment to show up.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }
}
