package dev.baton.cli;

import dev.baton.examples.ArticleRequests;
import dev.baton.examples.ArticleServices;
import dev.baton.examples.StatusFeed;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The article's story, live: Kafka, the orchestrator, services A, B, C and D, and a trickle of orders.",
            "C works in batch windows (offline, then catching up); D rejects expensive orders after its own retries,",
            "so A, B and C are compensated."
        })
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    HttpOptions http;

    @Mixin
    TracingOptions tracing;

    @Option(
            names = "--rate",
            defaultValue = "2",
            paramLabel = "PER_SECOND",
            description = "Orders per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--partitions",
            defaultValue = "3",
            description = "Partitions of Baton's topics when it creates them (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        RunningBaton baton =
                RunningBaton.start(cluster, http, tracing, partitions, java.time.Duration.ofDays(7), System.out);
        try {
            run(baton);
        } catch (RuntimeException e) {
            baton.close();
            throw e;
        }
        return 0;
    }

    private void run(RunningBaton baton) {
        var definition = baton.deploy(ArticleServices.definitionYaml(), "article.yaml");
        System.out.println("Deployed " + definition.name() + " v" + definition.version()
                + ": A -> (B || C) -> D, compensations on A, B, C");

        var feed = new StatusFeed(baton.bootstrapServers).start();
        var services = ArticleServices.start(
                ArticleServices.Settings.of(baton.bootstrapServers).withServiceCListener(feed::serviceCWindowChanged));
        // Ids carry the run's start time, so a second run on the same data directory starts new instances.
        String prefix = "order-" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36) + "-";
        var requests = new ArticleRequests(baton.bootstrapServers, prefix, System.nanoTime()).startTrickle(rate);

        String url = "http://" + http.host + ":" + baton.api.port() + "/";
        System.out.println();
        System.out.println("  Dashboard:  " + url);
        System.out.println("  API:        " + url + "api/instances   metrics: " + url + "metrics");
        System.out.println("  Kafka:      " + baton.bootstrapServers
                + "   (topics baton.requests, baton.callbacks, baton.results, baton.status, baton.dlq)");
        System.out.println("  Orders:     " + rate
                + "/s; C is offline 8 s out of every 12; D rejects orders over 900 after 3 tries");
        System.out.println("  Ctrl-C stops the demo.");
        System.out.println();

        baton.awaitShutdown(System.out, requests, services, feed);
    }
}
