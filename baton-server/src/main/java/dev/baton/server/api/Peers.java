package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The other orchestrator processes' APIs. A query about every instance asks each process for its own share
 * ({@code scope=local}) and merges; a query about one instance goes to the process that owns it.
 */
final class Peers {
    /** Marks a request already forwarded once, so two processes that disagree about ownership cannot loop. */
    static final String FORWARDED = "X-Baton-Forwarded";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(int status, String body) {}

    Answer get(String address, String pathAndQuery, String authorization) {
        return join(getAsync(address, pathAndQuery, authorization));
    }

    Answer post(String address, String pathAndQuery, String body, String authorization) {
        var request = builder(address, pathAndQuery, authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return join(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body())));
    }

    /** The same GET on every peer, in parallel; a peer that cannot answer makes the whole query fail loudly. */
    List<JsonNode> getAll(List<String> addresses, String pathAndQuery, String authorization) {
        var futures = addresses.stream()
                .map(a -> getAsync(a, pathAndQuery, authorization))
                .toList();
        var out = new ArrayList<JsonNode>();
        for (int i = 0; i < futures.size(); i++) {
            Answer a = join(futures.get(i));
            if (a.status() != 200) {
                throw new IllegalStateException("orchestrator process " + addresses.get(i) + " answered " + a.status());
            }
            try {
                out.add(Json.mapper().readTree(a.body()));
            } catch (Exception e) {
                throw new IllegalStateException(
                        "orchestrator process " + addresses.get(i) + " sent unreadable JSON", e);
            }
        }
        return out;
    }

    /** The caller's own credentials go along: a peer checks them as it would the caller's. */
    private static HttpRequest.Builder builder(String address, String pathAndQuery, String authorization) {
        var b = HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private CompletableFuture<Answer> getAsync(String address, String pathAndQuery, String authorization) {
        var request = builder(address, pathAndQuery, authorization).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }

    private static Answer join(CompletableFuture<Answer> f) {
        try {
            return f.join();
        } catch (RuntimeException e) {
            throw new IllegalStateException("another orchestrator process could not be reached: " + e.getMessage(), e);
        }
    }
}
