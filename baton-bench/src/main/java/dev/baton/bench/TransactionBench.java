package dev.baton.bench;

import dev.baton.server.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one exactly-once orchestrator hop pays to Kafka, without Baton: back-to-back transactions of a transactional
 * producer, each writing a few records and committing, as a Kafka Streams thread does at every commit. It shows the
 * broker's {@code add.partitions.to.txn.retry.backoff.ms}: a transaction that starts while the coordinator still
 * completes the previous one is told CONCURRENT_TRANSACTIONS and waits that backoff before its first record counts.
 */
@Command(
        name = "transactions",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Time back-to-back Kafka transactions on an embedded broker, with the broker's default "
                + "add-partitions backoff (20 ms) and with Baton's embedded setting (1 ms).")
final class TransactionBench implements Callable<Integer> {
    @Option(
            names = "--transactions",
            defaultValue = "500",
            description = "Timed transactions per setting, after as many untimed (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(
            names = "--topics",
            defaultValue = "1",
            description = "Topics each transaction writes to (default ${DEFAULT-VALUE}).")
    int topics;

    @Option(
            names = "--partitions",
            defaultValue = "1",
            description = "Partitions of each topic; each transaction writes to all (default ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        System.out.printf(
                "Back-to-back transactions, %d topic(s) x %d partition(s), one 300-byte record per partition, "
                        + "%d timed per setting%n",
                topics, partitions, transactions);
        for (String backoff : List.of("20", "1")) {
            Path dir = Files.createTempDirectory("baton-txn-bench");
            try (EmbeddedKafka kafka =
                    EmbeddedKafka.start(dir, 0, Map.of("add.partitions.to.txn.retry.backoff.ms", backoff), Map.of())) {
                Timing t = run(kafka.bootstrapServers());
                System.out.printf(
                        "add.partitions.to.txn.retry.backoff.ms=%-3s %6.2f ms per transaction: first flush %.2f ms, "
                                + "commit %.2f ms%n",
                        backoff, t.totalMs(), t.firstFlushMs(), t.commitMs());
            }
        }
        return 0;
    }

    record Timing(double totalMs, double firstFlushMs, double commitMs) {}

    private Timing run(String bootstrap) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            newTopics.add(new NewTopic("txn-bench-" + t, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(newTopics).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "baton-txn-bench");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        byte[] value = new byte[300];
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            Timing timing = null;
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the broker
                long flushNanos = 0;
                long commitNanos = 0;
                long start = System.nanoTime();
                for (int i = 0; i < transactions; i++) {
                    producer.beginTransaction();
                    for (int t = 0; t < topics; t++) {
                        for (int part = 0; part < partitions; part++) {
                            producer.send(new ProducerRecord<>("txn-bench-" + t, part, null, value));
                        }
                    }
                    long f0 = System.nanoTime();
                    producer.flush();
                    long f1 = System.nanoTime();
                    producer.commitTransaction();
                    commitNanos += System.nanoTime() - f1;
                    flushNanos += f1 - f0;
                }
                double n = transactions;
                timing = new Timing((System.nanoTime() - start) / 1e6 / n, flushNanos / 1e6 / n, commitNanos / 1e6 / n);
            }
            return timing;
        }
    }
}
