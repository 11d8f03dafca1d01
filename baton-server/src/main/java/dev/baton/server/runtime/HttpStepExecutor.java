package dev.baton.server.runtime;

import dev.baton.engine.Failure;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.HttpCallMessage;
import dev.baton.protocol.Json;
import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.server.tracing.TraceContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs HTTP steps outside the stream threads. The orchestrator's decisions write each HTTP step's call to the
 * HTTP topic; this executor (one per orchestrator process, all in one consumer group) reads a batch, makes the calls
 * concurrently with {@link HttpClient}, writes each call's outcome to the callback topic, and commits the batch's
 * offsets only once every outcome is acknowledged. A crash in between repeats the calls, so calls are at least once:
 * each carries {@code Idempotency-Key}, the same for every retry of one run of the step, for endpoints to honour.
 *
 * <p>The executor reports facts; the engine decides: a failed call is marked {@code retryable} when its status is in
 * the step's {@code retryOn} or it got no answer, and the engine schedules the next call with its timers.
 */
final class HttpStepExecutor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpStepExecutor.class);
    /** A failure quotes at most this much of the answer's body. */
    static final int BODY_EXCERPT_CHARS = 300;
    /** Extra time for the body after the answer's headers, beyond the step's own timeout. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(1);

    private final OrchestratorSettings settings;
    private final Map<String, Object> kafka;
    private final Map<String, Object> producerProperties;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-http-client");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(callbacks)
            .build();
    private Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /**
     * @param kafka the client settings every Baton client starts from
     * @param producerProperties the settings of the orchestrator's own producer, which the outcomes are written with
     */
    HttpStepExecutor(OrchestratorSettings settings, Map<String, Object> kafka, Map<String, Object> producerProperties) {
        this.settings = settings;
        this.kafka = kafka;
        this.producerProperties = producerProperties;
        this.clock = settings.clock();
    }

    void start() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("the HTTP step executor has been started already");
        }
        thread = new Thread(this::run, "baton-http-executor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running.get()) {
            try (var c = new KafkaConsumer<>(
                            consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
                    var producer = new KafkaProducer<>(
                            producerProperties, new StringSerializer(), new ByteArraySerializer())) {
                consumer = c;
                c.subscribe(List.of(settings.topics().http()));
                while (running.get()) {
                    var records = c.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    var sent = new ArrayList<CompletableFuture<?>>();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        sent.add(perform(r).thenCompose(outcome -> send(producer, outcome)));
                    }
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                            .join();
                    c.commitSync();
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                // An outcome could not be written: nothing of the batch is committed, so its calls happen again.
                log.error("HTTP step executor failed; its uncommitted calls will be made again", e);
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    /** An outcome to write, with where to write it. */
    private record Answer(HttpCallMessage call, WorkerOutcome outcome, TraceContext trace) {}

    private CompletableFuture<Answer> perform(ConsumerRecord<String, byte[]> record) {
        HttpCallMessage call;
        try {
            call = HttpCallMessage.parse(record.value());
        } catch (MalformedMessageException e) {
            // Baton writes this topic itself; anything else on it is not ours to call.
            log.warn("Skipping a record on {} that is not an HTTP call: {}", record.topic(), e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        TraceContext trace = TraceContext.of(record.headers());
        HttpRequest request;
        try {
            request = request(call, trace);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Answer(
                    call,
                    failed(
                            call,
                            "HttpBadRequest",
                            "cannot call " + call.method() + " " + call.url() + ": " + e.getMessage(),
                            false),
                    trace));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .orTimeout(call.timeout().plus(BODY_GRACE).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) ->
                        new Answer(call, error == null ? answered(call, response) : unanswered(call, error), trace));
    }

    private HttpRequest request(HttpCallMessage call, TraceContext trace) {
        var b = HttpRequest.newBuilder(URI.create(call.url())).timeout(call.timeout());
        call.headers().forEach(b::header);
        b.header("Idempotency-Key", call.idempotencyKey());
        if (trace.traceparent() != null) {
            b.header("traceparent", trace.traceparent());
            if (trace.tracestate() != null) {
                b.header("tracestate", trace.tracestate());
            }
        }
        if (call.sendsBody()) {
            if (call.headers().keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
                b.header("Content-Type", "application/json");
            }
            b.method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.bodyJson()));
        } else {
            b.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private WorkerOutcome answered(HttpCallMessage call, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (status >= 200 && status < 300) {
            if (body.length > settings.maxPayloadBytes() / 2) {
                return failed(
                        call,
                        "HttpResponseTooLarge",
                        call.method() + " " + call.url() + " answered " + status + " with " + body.length
                                + " bytes, more than the " + settings.maxPayloadBytes() / 2
                                + " a step's output may hold",
                        false);
            }
            var output = new LinkedHashMap<String, Object>();
            output.put("status", status);
            output.put("body", parseBody(body));
            return new WorkerOutcome(call.commandId(), call.instanceId(), call.stepId(), true, output, null, 1);
        }
        String text =
                new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        String excerpt = text.length() > BODY_EXCERPT_CHARS ? text.substring(0, BODY_EXCERPT_CHARS) + "..." : text;
        return failed(
                call,
                "HTTP_" + status,
                call.method() + " " + call.url() + " answered " + status + (excerpt.isEmpty() ? "" : ": " + excerpt),
                call.retryOn().contains(status));
    }

    private static WorkerOutcome unanswered(HttpCallMessage call, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return failed(
                    call,
                    "HttpTimeout",
                    call.method() + " " + call.url() + " gave no answer within " + call.timeout(),
                    true);
        }
        if (cause instanceof IOException) {
            return failed(
                    call,
                    "HttpConnectionFailed",
                    call.method() + " " + call.url() + " could not be reached: " + cause,
                    true);
        }
        return failed(call, "HttpBadRequest", "cannot call " + call.method() + " " + call.url() + ": " + cause, false);
    }

    private static WorkerOutcome failed(HttpCallMessage call, String type, String message, boolean retryable) {
        return new WorkerOutcome(
                call.commandId(),
                call.instanceId(),
                call.stepId(),
                false,
                null,
                new Failure(call.stepId(), type, message),
                1,
                retryable);
    }

    /** JSON when the body parses as JSON, the text otherwise; nothing for an empty body. */
    private static Object parseBody(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.mapper().readValue(body, Object.class);
        } catch (IOException e) {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private CompletableFuture<?> send(KafkaProducer<String, byte[]> producer, Answer answer) {
        if (answer == null) {
            return CompletableFuture.completedFuture(null);
        }
        HttpCallMessage call = answer.call();
        Headers headers = CloudEventRecords.headers(
                CloudEvents.OUTCOME, call.commandId() + "/outcome", call.instanceId(), clock.instant());
        answer.trace().addTo(headers);
        var done = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(
                        call.callbackTopic(),
                        null,
                        call.instanceId(),
                        answer.outcome().toJson(),
                        headers),
                (metadata, e) -> {
                    if (e == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(e);
                    }
                });
        return done;
    }

    private Map<String, Object> consumerProperties() {
        var p = new HashMap<>(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.applicationId() + ".http");
        // Calls written by an aborted decision were never decided: read only committed ones.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.httpConcurrency());
        // A batch takes at most the longest call; keep well within the poll interval.
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                Duration.ofMinutes(5).toMillis());
        return p;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void close() {
        if (!running.getAndSet(false)) {
            return;
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        callbacks.shutdownNow();
    }
}
