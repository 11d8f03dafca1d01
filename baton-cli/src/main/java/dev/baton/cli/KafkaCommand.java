package dev.baton.cli;

import dev.baton.server.kafka.EmbeddedKafka;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "Run only the embedded single-node Kafka broker, for local development.")
final class KafkaCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(cluster.dataDir.resolve("kafka"), cluster.kafkaPort);
        System.out.println("Kafka is running at " + kafka.bootstrapServers() + " (data in " + kafka.dataDir()
                + "; Ctrl-C to stop)");
        var done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            done.countDown();
        }));
        done.await();
        return 0;
    }
}
