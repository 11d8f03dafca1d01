package dev.baton.cli;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.api.HttpApi;
import dev.baton.server.kafka.EmbeddedKafka;
import dev.baton.server.runtime.Orchestrator;
import dev.baton.server.runtime.OrchestratorMetrics;
import dev.baton.server.runtime.OrchestratorSettings;
import java.io.PrintStream;
import java.time.Duration;

/** A started Baton: the embedded broker when there is no cluster, the orchestrator and the HTTP API. */
final class RunningBaton implements AutoCloseable {
    final EmbeddedKafka kafka;
    final Orchestrator orchestrator;
    final HttpApi api;
    final String bootstrapServers;

    private RunningBaton(EmbeddedKafka kafka, Orchestrator orchestrator, HttpApi api, String bootstrapServers) {
        this.kafka = kafka;
        this.orchestrator = orchestrator;
        this.api = api;
        this.bootstrapServers = bootstrapServers;
    }

    static RunningBaton start(
            ClusterOptions cluster,
            HttpOptions http,
            TracingOptions tracing,
            int partitions,
            Duration retention,
            PrintStream out) {
        return start(cluster, http, tracing, partitions, retention, true, out);
    }

    /** @param createTopics false to only check that Baton's topics exist (see {@code baton topics --print}) */
    static RunningBaton start(
            ClusterOptions cluster,
            HttpOptions http,
            TracingOptions tracing,
            int partitions,
            Duration retention,
            boolean createTopics,
            PrintStream out) {
        var traces = tracing.settings(); // a bad OTLP endpoint or protocol stops the start before anything runs
        EmbeddedKafka kafka = null;
        String bootstrap = cluster.bootstrapServers;
        if (bootstrap == null && cluster.replicationFactor != 1) {
            throw new IllegalArgumentException("--replication-factor " + cluster.replicationFactor
                    + " needs --bootstrap-servers: the embedded broker is a single node");
        }
        if (bootstrap == null) {
            out.println("Starting the embedded Kafka broker on 127.0.0.1:" + cluster.kafkaPort + " (data in "
                    + cluster.dataDir.resolve("kafka") + ")");
            kafka = EmbeddedKafka.start(cluster.dataDir.resolve("kafka"), cluster.kafkaPort);
            bootstrap = kafka.bootstrapServers();
        }
        var access = http.accessControl(); // a bad token file stops the start before anything runs
        Orchestrator orchestrator = null;
        try {
            var settings = OrchestratorSettings.newBuilder()
                    .bootstrapServers(bootstrap)
                    .stateDir(cluster.dataDir.resolve("streams"))
                    .partitions(partitions)
                    .replicationFactor(cluster.replicationFactor)
                    .advertisedHttp(http.advertised())
                    .retention(retention)
                    .tracing(traces)
                    .commitInterval(cluster.commitInterval)
                    .commitWhenDrained(cluster.commitWhenDrained)
                    .earlyDispatch(cluster.earlyDispatch)
                    .statusEvents(cluster.statusEvents)
                    .topicPauses(cluster.topicPauses)
                    .schedules(cluster.schedules)
                    .scheduleGrace(cluster.scheduleGrace)
                    .eventBufferTtl(cluster.eventBufferTtl)
                    .signalBufferLimit(cluster.signalBufferLimit)
                    .kafkaProperties(cluster.kafkaProperties())
                    .createTopics(createTopics)
                    .build();
            out.println("Starting the orchestrator against " + bootstrap);
            orchestrator = new Orchestrator(settings, OrchestratorMetrics.prometheus()).start(Duration.ofSeconds(120));
            HttpApi api = new HttpApi(orchestrator, access).start(http.host, http.port);
            out.println(
                    access.isOpen()
                            ? "The API needs no token (bound to " + http.host + ")."
                            : "The API requires bearer tokens.");
            return new RunningBaton(kafka, orchestrator, api, bootstrap);
        } catch (RuntimeException e) {
            if (orchestrator != null) {
                orchestrator.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    WorkflowDefinition deploy(String yaml, String source) {
        return orchestrator.deploy(DefinitionReader.read(yaml, source));
    }

    /**
     * Blocks until Ctrl-C (or another signal), then closes {@code first} (things that use Baton, such as workers) and
     * Baton itself, in reverse order of starting. One hook does it all: the JVM runs separate hooks in parallel.
     */
    void awaitShutdown(PrintStream out, AutoCloseable... first) {
        var done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("Shutting down...");
                            for (AutoCloseable c : first) {
                                try {
                                    c.close();
                                } catch (Exception e) {
                                    out.println("while shutting down: " + e);
                                }
                            }
                            close();
                            done.countDown();
                        },
                        "baton-shutdown"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        api.close();
        orchestrator.close();
        if (kafka != null) {
            kafka.close();
        }
    }
}
