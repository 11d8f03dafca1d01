package dev.baton.server.runtime;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The article's services A, B, C and D as SDK workers, on topics of their own per test. D fails every item whose
 * input says {@code "failAtD": true}, after its retries. Each service records the commands it receives.
 */
final class ArticleServices implements AutoCloseable {
    final String prefix;
    final String bootstrapServers;
    final Map<String, List<String>> executed = new ConcurrentHashMap<>();
    final List<String> compensations = new CopyOnWriteArrayList<>();
    final Map<String, Worker> workers = new ConcurrentHashMap<>();

    ArticleServices(String prefix, String bootstrapServers) {
        this.prefix = prefix;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * The article's workflow. A copy of docs/examples/article.yaml that differs on purpose: its name, topics and result
     * topic carry the test's prefix, so that tests sharing one broker never see each other's records.
     */
    WorkflowDefinition definition() {
        return WorkflowDefinition.builder(prefix + "-article")
                .resultTopic(prefix + ".results")
                .step("A", s -> s.topic(topic("A")).compensate(topic("A")))
                .step("B", s -> s.topic(topic("B")).after("A").compensate(topic("B")))
                .step("C", s -> s.topic(topic("C")).after("A").compensate(topic("C")))
                .step("D", s -> s.topic(topic("D")).after("B", "C"))
                .build();
    }

    String topic(String service) {
        return prefix + ".service-" + service.toLowerCase() + ".commands";
    }

    ArticleServices startAll() {
        for (String s : List.of("A", "B", "C", "D")) {
            start(s);
        }
        return this;
    }

    ArticleServices start(String service) {
        WorkerOptions options = WorkerOptions.newBuilder()
                .bootstrapServers(bootstrapServers)
                .commandTopic(topic(service))
                .concurrency(4)
                .retryPolicy(RetryPolicy.newBuilder()
                        .maxAttempts(2)
                        .initialBackoff(Duration.ofMillis(5))
                        .build())
                .build();
        Worker worker = Worker.create(options, ctx -> {
                    executed.computeIfAbsent(service, k -> new CopyOnWriteArrayList<>())
                            .add(ctx.commandId());
                    if (service.equals("D") && ctx.input().path("failAtD").asBoolean(false)) {
                        throw NonRetryableException.ofType("Rejected", "D cannot process " + ctx.instanceId());
                    }
                    return Map.of("by", service);
                })
                .onCompensate(ctx -> {
                    compensations.add(ctx.instanceId() + ":" + service);
                    return null;
                });
        worker.start();
        workers.put(service, worker);
        return this;
    }

    void stop(String service) {
        Worker w = workers.remove(service);
        if (w != null) {
            w.close();
        }
    }

    List<String> executedBy(String service) {
        return executed.getOrDefault(service, List.of());
    }

    @Override
    public void close() {
        workers.values().forEach(Worker::close);
        workers.clear();
    }
}
