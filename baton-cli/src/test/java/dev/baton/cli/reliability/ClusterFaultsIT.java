package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1: a cluster of three real brokers (KRaft, one {@code baton kafka --node-id} process each,
 * replication factor 3, {@code min.insync.replicas} 2), two {@code baton server} processes with Baton's topics and
 * changelogs replicated three times, and SDK workers running the article's workflow. Under load, the broker that leads
 * most of the partitions is killed with SIGKILL; the cluster must go on with two. A little later the new busiest
 * leader is killed too: with one broker left, writes with {@code acks=all} must stall (a probe write is refused), not
 * go on with a single copy. Both come back on their data directories and everything finishes. Then the same checks as
 * after any fault (nothing lost, nothing doubled, one terminal state per instance), and the two orchestrators, never
 * restarted, agree.
 *
 * <p>CI: 300 instances, one round (two kills), the single broker left alone for 5 to 10 s. Soak: 3,000 instances, 5
 * rounds, 5 to 30 s alone each time.
 */
class ClusterFaultsIT {
    private static final String PROBE_TOPIC = "cluster.probe";

    @TempDir
    static Path dir;

    @Test
    void shouldLoseAndDoubleNothingWhenTheLeadingBrokersOfAReplicatedClusterAreKilled() throws Exception {
        int n = Soak.size("clusterInstances", 300, 3_000);
        int rounds = Soak.size("clusterRounds", 1, 5);
        int longestAlone = Soak.size("clusterAloneSeconds", 10, 30);
        Random random = Soak.random("ClusterFaultsIT");
        long t0 = System.nanoTime();
        Soak.log("ClusterFaultsIT: %d instances, %d rounds of two broker kills", n, rounds);
        try (var cluster = new KafkaCluster(dir.resolve("cluster"), 3);
                var first = OrchestratorProcess.onCluster("orchestrator-1", cluster, dir.resolve("o1"), 6);
                var second = OrchestratorProcess.onCluster("orchestrator-2", cluster, dir.resolve("o2"), 6);
                var load = new ArticleWorkload("cluster", cluster.bootstrapServers())) {
            cluster.start(Duration.ofMinutes(3));
            Soak.log("three brokers up at %s", cluster.bootstrapServers());
            first.start().awaitHealthy(Duration.ofMinutes(2)); // creates Baton's topics; then the other joins
            second.start(); // joins while the workload's topics are created
            List<OrchestratorProcess> orchestrators = List.of(first, second);
            load.createTopics(6, (short) 3);
            cluster.admin()
                    .createTopics(List.of(new NewTopic(PROBE_TOPIC, 3, (short) 3)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            second.awaitHealthy(Duration.ofMinutes(2));
            load.deploy(load.definition(), first, second);
            Set<String> topics = assertEverythingReplicatedThreeTimes(cluster);
            // Baton's partitions: its topics and its Kafka Streams changelogs (the application id starts with baton).
            Set<String> batons =
                    topics.stream().filter(t -> t.startsWith("baton")).collect(Collectors.toSet());
            assertThat(probeWrite(cluster, Duration.ofSeconds(30)))
                    .as("a probe write with three brokers")
                    .isNull();
            load.startLedger().startWorkers();
            var steps = new Progress(load);
            var health = new HealthWatch(orchestrators);
            List<String> ids = load.ids(0, n);
            load.writeInChunks(ids, 2 * rounds + 1);
            Soak.log("load started on two processes");

            var kills = new ArrayList<String>();
            var failover = new ArrayList<Long>();
            var alone = new ArrayList<Long>();
            var stalled = new ArrayList<Long>();
            var resync = new ArrayList<Long>();
            var stepsWhileAlone = new ArrayList<Long>();
            var probeRefusals = new ArrayList<String>();
            for (int round = 0; round < rounds; round++) {
                load.awaitRandomMomentOfChunk(random);
                // The first kill: the busiest leader; two brokers hold every partition's in-sync copies.
                assertThat(load.inFlight())
                        .as("instances in flight at round %d", round + 1)
                        .isPositive();
                BrokerProcess leader = cluster.busiestLeader(batons);
                Map<Integer, Long> led = cluster.leadership(batons);
                long killedAt = System.nanoTime();
                leader.kill();
                kills.add(leader.name + "(led " + led.get(cluster.idOf(leader)) + " of " + sum(led) + ")");
                Soak.log(
                        "killed %s; leaders of Baton's partitions were %s; %d in flight", leader, led, load.inFlight());
                FailoverIT.awaitProgress(load, Duration.ofMinutes(3));
                failover.add(millisSince(killedAt));
                Soak.log("progress with two brokers after %d ms", failover.get(failover.size() - 1));

                // The second kill: one broker left, below min.insync.replicas everywhere.
                load.nextChunk();
                load.awaitRandomMomentOfChunk(random);
                assertThat(load.inFlight())
                        .as("instances in flight at the second kill of round %d", round + 1)
                        .isPositive();
                BrokerProcess next = cluster.busiestLeader(batons);
                led = cluster.leadership(batons);
                long secondAt = System.nanoTime();
                next.kill();
                long stepsAtSecond = load.stepsCompleted.total();
                kills.add(next.name + "(led " + led.get(cluster.idOf(next)) + " of " + sum(led) + ")");
                Soak.log("killed %s too; leaders were %s; one broker left, %d in flight", next, led, load.inFlight());
                String refusal = probeWrite(cluster, Duration.ofSeconds(5));
                assertThat(refusal)
                        .as("a write with acks=all while one broker of three runs (min.insync.replicas 2)")
                        .isNotNull();
                probeRefusals.add(refusal);
                long aloneFor = TimeUnit.SECONDS.toMillis(5) + random.nextInt(1 + (longestAlone - 5) * 1000);
                sleepUntil(secondAt + TimeUnit.MILLISECONDS.toNanos(aloneFor));
                stepsWhileAlone.add(load.stepsCompleted.total() - stepsAtSecond);
                alone.add(millisSince(secondAt));

                // Both come back where they left off.
                long backAt = System.nanoTime();
                leader.launch();
                next.launch();
                FailoverIT.awaitProgress(load, Duration.ofMinutes(3));
                stalled.add(millisSince(secondAt));
                leader.awaitReady(Duration.ofMinutes(3));
                next.awaitReady(Duration.ofMinutes(3));
                awaitFullyReplicated(cluster, topics, Duration.ofMinutes(3));
                resync.add(millisSince(backAt));
                Soak.log("both brokers back and in sync after %d ms", resync.get(resync.size() - 1));
                load.nextChunk();
            }

            // A worker may see a command again after a broker outage (see BrokerRestartIT): counted apart.
            var figures = load.verify(ids, "SUCCEEDED", false);
            steps.close();
            health.close();
            for (OrchestratorProcess p : orchestrators) {
                assertThat(p.isAlive())
                        .as("%s rode out the broker kills", p.name)
                        .isTrue();
                assertThat(p.starts()).as("%s was never restarted", p.name).isEqualTo(1);
                assertThat(OrchestratorCrashIT.total(p, "workflow=" + load.workflow + "&status=COMPLETED"))
                        .as("COMPLETED instances, as %s sees them", p.name)
                        .isEqualTo(n);
            }
            int held = 0;
            for (OrchestratorProcess p : orchestrators) {
                held += FailoverIT.localTotal(p, load.workflow);
            }
            assertThat(held).as("instances in the two processes' own stores").isEqualTo(n);
            figures.put("brokers", 3);
            figures.put("rounds", rounds);
            figures.put("kills", kills);
            figures.put("firstProgressAfterFirstKillMillis", failover);
            figures.put("oneBrokerMillis", alone);
            figures.put("probeRefusedWith", probeRefusals);
            figures.put("stepsCompletedWhileOneBroker", stepsWhileAlone);
            figures.put("firstProgressAfterSecondKillMillis", stalled);
            figures.put("longestStallMillis", steps.longestStallMillis());
            figures.put("backInSyncMillis", resync);
            figures.put("orchestratorUnhealthySeconds", health.unhealthySeconds());
            figures.put("seconds", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
            Soak.report("ClusterFaultsIT", figures);
        }
    }

    /**
     * Checks the premise: every partition of every topic (Baton's, its changelogs, the workload's, Kafka's offsets and
     * transaction state) has three replicas, and Baton's topics take {@code min.insync.replicas} 2. Returns them all.
     */
    private static Set<String> assertEverythingReplicatedThreeTimes(KafkaCluster cluster) throws Exception {
        Set<String> all = cluster.topics();
        assertThat(all).contains("__consumer_offsets", "__transaction_state", "baton.requests", "baton.callbacks");
        assertThat(all).anyMatch(t -> t.endsWith("-changelog"));
        var replicas = cluster.describe(all).values().stream()
                .flatMap(d -> d.partitions().stream()
                        .map(p -> d.name() + "-" + p.partition() + "="
                                + p.replicas().size()))
                .filter(s -> !s.endsWith("=3"))
                .toList();
        assertThat(replicas).as("partitions without three replicas").isEmpty();
        String changelog =
                all.stream().filter(t -> t.endsWith("-changelog")).findFirst().orElseThrow();
        for (String topic : List.of("baton.requests", "baton.callbacks", "baton.status", changelog)) {
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String minInSync = cluster.admin()
                    .describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get("min.insync.replicas")
                    .value();
            assertThat(minInSync).as("min.insync.replicas of %s", topic).isEqualTo("2");
        }
        return all;
    }

    /**
     * Writes one record with {@code acks=all} to each partition of the probe topic; null if all were acknowledged
     * within {@code timeout}, else why the first was not. Idempotence is off: an idempotent producer first asks for a
     * producer id, which needs the controller quorum, and the probe is about the write.
     */
    private static String probeWrite(KafkaCluster cluster, Duration timeout) {
        int millis = (int) timeout.toMillis();
        var config = new java.util.HashMap<String, Object>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            var sends = new ArrayList<java.util.concurrent.Future<?>>();
            for (int p = 0; p < 3; p++) {
                sends.add(producer.send(new ProducerRecord<>(PROBE_TOPIC, p, null, new byte[] {1})));
            }
            for (var send : sends) {
                try {
                    send.get(millis + 30_000L, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    return e.getCause().getClass().getSimpleName();
                }
            }
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Waits until every partition of {@code topics} has all its replicas in sync again. */
    private static void awaitFullyReplicated(KafkaCluster cluster, Set<String> topics, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> behind;
            try {
                behind = cluster.describe(topics).values().stream()
                        .flatMap(d -> d.partitions().stream()
                                .filter(p -> p.isr().size() < p.replicas().size())
                                .map(p -> d.name() + "-" + p.partition()))
                        .toList();
            } catch (AssertionError e) {
                behind = List.of("(no metadata: " + e.getCause() + ")");
            }
            if (behind.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("partitions still out of sync after %s: %s", timeout, behind)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static long sum(Map<Integer, Long> led) {
        return led.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** The longest time without a StepCompleted committed on baton.status, as the ledger saw it (sampled every 50 ms). */
    private static final class Progress implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong longest = new AtomicLong();
        private final Thread thread;

        Progress(ArticleWorkload load) {
            thread = new Thread(
                    () -> {
                        long seen = load.stepsCompleted.total();
                        long since = System.nanoTime();
                        while (running.get()) {
                            ArticleWorkload.sleep(50);
                            long now = load.stepsCompleted.total();
                            if (now != seen) {
                                longest.accumulateAndGet(millisSince(since), Math::max);
                                seen = now;
                                since = System.nanoTime();
                            }
                        }
                    },
                    "progress-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long longestStallMillis() {
            return longest.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }

    /** Asks each orchestrator's {@code /health} every second and counts the answers other than 200. */
    private static final class HealthWatch implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, AtomicLong> unhealthy = new LinkedHashMap<>();
        private final Thread thread;

        HealthWatch(List<OrchestratorProcess> processes) {
            processes.forEach(p -> unhealthy.put(p.name, new AtomicLong()));
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            for (OrchestratorProcess p : processes) {
                                if (!p.healthy()) {
                                    unhealthy.get(p.name).incrementAndGet();
                                }
                            }
                            ArticleWorkload.sleep(1_000);
                        }
                    },
                    "health-watch");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Long> unhealthySeconds() {
            var m = new LinkedHashMap<String, Long>();
            unhealthy.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
