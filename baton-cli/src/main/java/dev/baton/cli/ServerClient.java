package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The CLI's way to a running {@code baton server}. */
final class ServerClient {
    @Option(
            names = "--server",
            defaultValue = "http://127.0.0.1:8080",
            paramLabel = "URL",
            description = "The Baton server to talk to (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:BATON_TOKEN}",
            description = "Bearer token for a server that requires one (default: $BATON_TOKEN).")
    String token;

    record Response(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    Response post(String path, String body, String contentType) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path) {
        var b = HttpRequest.newBuilder(uri(path));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private URI uri(String path) {
        return URI.create(server.replaceAll("/+$", "") + path);
    }

    private Response send(HttpRequest.Builder request) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> r =
                    client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isBlank()
                    ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(r.body());
            return new Response(r.statusCode(), body);
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the Baton server at " + server + " (is `baton server` running?)");
        } catch (IOException e) {
            throw new Unreachable("talking to " + server + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }
}
