package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.internal.ClientFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll loop end to end, against Kafka's MockConsumer and MockProducer. */
class WorkerTest {

    private static final String TOPIC = "stock.commands";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A MockConsumer whose empty polls wait a little, like a real one, instead of spinning. */
    private static final class PacedMockConsumer extends MockConsumer<byte[], byte[]> {
        PacedMockConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        /** Every offset committed, readable after the consumer is closed. */
        final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();

        private void record(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, om) -> commits.merge(tp, om.offset(), Math::max));
        }

        @Override
        public void commitAsync(
                Map<TopicPartition, OffsetAndMetadata> offsets,
                org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
            super.commitAsync(offsets, callback);
            record(offsets);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            record(offsets);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            super.commitSync(offsets, timeout);
            record(offsets);
        }
    }

    private final PacedMockConsumer consumer = new PacedMockConsumer();
    private FlushCountingProducer producer = producer(true);
    private final List<Worker> workers = new ArrayList<>();
    private long nextOffset;

    /**
     * A MockProducer whose flush only counts: MockProducer's own acknowledges every pending send, which a broker that
     * has not answered yet would not, and the tests below acknowledge sends themselves.
     */
    private static final class FlushCountingProducer extends MockProducer<byte[], byte[]> {
        final AtomicInteger flushes = new AtomicInteger();

        FlushCountingProducer(boolean autoComplete) {
            super(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }
    }

    private static FlushCountingProducer producer(boolean autoComplete) {
        return new FlushCountingProducer(autoComplete);
    }

    @AfterEach
    void closeWorkers() {
        workers.forEach(Worker::close);
    }

    private WorkerOptions.Builder options() {
        return WorkerOptions.newBuilder()
                .bootstrapServers("unused:9092")
                .commandTopic(TOPIC)
                .retryPolicy(
                        RetryPolicy.newBuilder().initialBackoff(Duration.ZERO).build());
    }

    private Worker worker(WorkerOptions options, StepHandler handler) {
        Worker w = Worker.create(options, handler, new ClientFactory() {
            @Override
            public org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
                assertThat(config).containsEntry("enable.auto.commit", false);
                return consumer;
            }

            @Override
            public org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer(Map<String, Object> config) {
                assertThat(config).containsEntry("acks", "all");
                return producer;
            }
        });
        workers.add(w);
        return w;
    }

    private void assignPartition() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
        });
    }

    private void send(String value) {
        send(value, new RecordHeaders());
    }

    private void send(String value, RecordHeaders headers) {
        long offset = nextOffset++;
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(
                TOPIC,
                0,
                offset,
                ConsumerRecord.NO_TIMESTAMP,
                org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE,
                ConsumerRecord.NULL_SIZE,
                null,
                bytes,
                headers,
                java.util.Optional.empty())));
    }

    private static String command(String instanceId, String stepId, String kind) {
        return "{\"instanceId\":\"" + instanceId + "\",\"workflow\":\"order-fulfilment\",\"stepId\":\"" + stepId
                + "\",\"commandId\":\"" + instanceId + "/" + stepId + "/1\",\"kind\":\"" + kind
                + "\",\"attempt\":1,\"callbackTopic\":\"baton.callbacks\",\"input\":{\"sku\":\"book-42\"}}";
    }

    private long committed() {
        return consumer.commits.getOrDefault(TP, -1L);
    }

    private static JsonNode value(ProducerRecord<byte[], byte[]> r) throws Exception {
        return MAPPER.readTree(r.value());
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> r) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void commandInOutcomeOutOffsetCommitted() throws Exception {
        Worker w = worker(
                options().outcomeTopic("baton.outcomes").build(),
                ctx -> Map.of("reserved", ctx.input().get("sku").asText()));
        assignPartition();
        RecordHeaders headers = new RecordHeaders();
        headers.add(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        send(command("i-1", "reserve", "execute"), headers);
        w.start();

        await().until(() -> producer.history().size() == 2);
        ProducerRecord<byte[], byte[]> outcome = producer.history().get(0);
        assertThat(outcome.topic()).isEqualTo("baton.callbacks");
        assertThat(new String(outcome.key(), StandardCharsets.UTF_8)).isEqualTo("i-1");
        assertThat(value(outcome))
                .isEqualTo(
                        MAPPER.readTree(
                                "{\"commandId\":\"i-1/reserve/1\",\"instanceId\":\"i-1\","
                                        + "\"stepId\":\"reserve\",\"status\":\"SUCCEEDED\",\"output\":{\"reserved\":\"book-42\"},\"attempts\":1}"));
        assertThat(headers(outcome))
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", "i-1/reserve/1")
                .containsEntry("ce_source", "baton-worker/stock.commands-worker")
                .containsEntry("ce_type", "dev.baton.outcome.v1")
                .containsEntry("ce_subject", "i-1")
                .containsEntry("content-type", "application/json")
                .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .containsKey("ce_time");
        ProducerRecord<byte[], byte[]> copy = producer.history().get(1);
        assertThat(copy.topic()).isEqualTo("baton.outcomes");
        assertThat(copy.value()).isEqualTo(outcome.value());
        await().until(() -> committed() == 1);
        assertThat(w.isRunning()).isTrue();
    }

    @Test
    void aTimedCommandsOutcomeCarriesItsChainWithTheWorkersStampsInOrder() throws Exception {
        Worker w = worker(options().build(), ctx -> {
            Thread.sleep(5);
            return Map.of();
        });
        assignPartition();
        long before = java.time.Instant.now().toEpochMilli() * 1_000;
        RecordHeaders headers = new RecordHeaders();
        headers.add(
                "baton-hops",
                "bench.sent=1 orchestrator.seen=2 orchestrator.sent=3".getBytes(StandardCharsets.US_ASCII));
        send(command("i-1", "reserve", "execute"), headers);
        send(command("i-2", "reserve", "execute"));
        w.start();

        await().until(() -> producer.history().size() == 2);
        Map<String, String> timed = headers(producer.history().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("i-1"))
                .findFirst()
                .orElseThrow());
        String chain = timed.get("baton-hops");
        assertThat(chain).startsWith("bench.sent=1 orchestrator.seen=2 orchestrator.sent=3 worker.fetched=");
        String[] stamps = chain.split(" ");
        assertThat(stamps).hasSize(6);
        long fetched = Long.parseLong(stamps[3].substring("worker.fetched=".length()));
        long started = Long.parseLong(stamps[4].substring("worker.started=".length()));
        long done = Long.parseLong(stamps[5].substring("worker.done=".length()));
        assertThat(fetched).isGreaterThanOrEqualTo(before);
        assertThat(started).isGreaterThanOrEqualTo(fetched);
        assertThat(done - started).as("the handler's 5 ms sleep").isGreaterThanOrEqualTo(5_000);

        Map<String, String> untimed = headers(producer.history().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("i-2"))
                .findFirst()
                .orElseThrow());
        assertThat(untimed)
                .as("a command without the header gets nothing added")
                .doesNotContainKey("baton-hops");
    }

    @Test
    void failingHandlerIsRetriedAndReportedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Worker w = worker(options().build(), ctx -> {
            calls.incrementAndGet();
            throw new IllegalStateException("warehouse offline");
        });
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        w.start();
        await().until(() -> committed() == 1);
        assertThat(producer.history()).hasSize(1);
        assertThat(value(producer.history().get(0)))
                .isEqualTo(
                        MAPPER.readTree(
                                "{\"commandId\":\"i-1/reserve/1\","
                                        + "\"instanceId\":\"i-1\",\"stepId\":\"reserve\",\"status\":\"FAILED\","
                                        + "\"error\":{\"type\":\"IllegalStateException\",\"message\":\"warehouse offline\"},\"attempts\":3}"));
        assertThat(calls).hasValue(3);
    }

    @Test
    void malformedRecordsAreSkippedAndCommitted() {
        Worker w = worker(options().build(), ctx -> null);
        assignPartition();
        send("not json");
        send(null);
        send("{\"instanceId\":\"i-1\"}");
        send(command("i-2", "reserve", "execute"));
        w.start();
        await().until(() -> committed() == 4);
        assertThat(producer.history()).hasSize(1);
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("i-2");
        assertThat(w.isRunning()).isTrue();
    }

    @Test
    void redeliveredCommandIsAnsweredAgainWithoutRunningTheHandler() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Worker w = worker(options().build(), ctx -> Map.of("call", calls.incrementAndGet()));
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        send(command("i-1", "reserve", "execute")); // the same command again
        w.start();
        await().until(() -> committed() == 2);
        assertThat(calls).hasValue(1);
        assertThat(producer.history()).hasSize(2);
        assertThat(producer.history().get(1).value())
                .isEqualTo(producer.history().get(0).value());
        assertThat(headers(producer.history().get(1)).get("ce_time"))
                .isEqualTo(headers(producer.history().get(0)).get("ce_time"));
    }

    @Test
    void compensateCommandsGoToTheCompensationHandler() throws Exception {
        List<String> compensated = Collections.synchronizedList(new ArrayList<>());
        Worker w = worker(options().build(), ctx -> Map.of("executed", true)).onCompensate(ctx -> {
            compensated.add(ctx.commandId());
            return null;
        });
        assignPartition();
        send(command("i-1", "reserve", "compensate"));
        w.start();
        await().until(() -> committed() == 1);
        assertThat(compensated).containsExactly("i-1/reserve/1");
        JsonNode outcome = value(producer.history().get(0));
        assertThat(outcome.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(outcome.has("output")).isFalse();
    }

    @Test
    void compensateWithoutHandlerFailsLoudly() throws Exception {
        Worker w = worker(options().build(), ctx -> Map.of("executed", true));
        assignPartition();
        send(command("i-1", "reserve", "compensate"));
        send(command("i-2", "reserve", "rollback-please"));
        w.start();
        await().until(() -> committed() == 2);
        JsonNode first = value(producer.history().get(0));
        assertThat(first.get("status").asText()).isEqualTo("FAILED");
        assertThat(first.at("/error/type").asText()).isEqualTo("NoCompensationHandler");
        assertThat(first.get("attempts").asInt()).isZero();
        assertThat(value(producer.history().get(1)).at("/error/type").asText()).isEqualTo("UnknownCommandKind");
    }

    /** A started worker with one command in, whose outcome has been sent but not acknowledged. */
    private void startOneCommandWithoutAcknowledgingItsOutcome() {
        producer = producer(false);
        Worker w = worker(options().build(), ctx -> null);
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        w.start();
        await().until(() -> producer.history().size() == 1);
    }

    @Test
    void offsetIsCommittedOnlyAfterTheOutcomeIsAcknowledged() throws Exception {
        startOneCommandWithoutAcknowledgingItsOutcome();
        Thread.sleep(300); // several commit intervals
        assertThat(committed()).isEqualTo(-1);
        assertThat(producer.completeNext()).isTrue();
        await().until(() -> committed() == 1);
    }

    @Test
    void theOutcomeOfTheOnlyCommandInTheWorkerIsSentWithoutWaitingForTheLinger() throws Exception {
        startOneCommandWithoutAcknowledgingItsOutcome();
        await().until(() -> producer.flushes.get() == 1);
        assertThat(producer.completeNext()).isTrue();
        await().until(() -> committed() == 1);

        send(command("i-2", "reserve", "execute"));
        await().until(() -> producer.history().size() == 2);
        await().until(() -> producer.flushes.get() == 2);
    }

    @Test
    void outcomesOfCommandsInTheWorkerTogetherLingerToShareABatch() throws Exception {
        producer = producer(false);
        CountDownLatch bothRunning = new CountDownLatch(2);
        Worker w = worker(options().concurrency(2).build(), ctx -> {
            bothRunning.countDown();
            bothRunning.await(10, TimeUnit.SECONDS);
            return null;
        });
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        send(command("i-2", "reserve", "execute"));
        w.start();
        await().until(() -> producer.history().size() == 2);
        Thread.sleep(100); // the flush would run on the worker's own thread
        assertThat(producer.flushes.get())
                .as("neither outcome was alone: both commands were in the worker until acknowledged")
                .isZero();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();
        await().until(() -> committed() == 2);
    }

    @Test
    void failedSendIsRetriedBeforeCommitting() throws Exception {
        startOneCommandWithoutAcknowledgingItsOutcome();
        assertThat(producer.errorNext(new TimeoutException("broker away"))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(committed()).isEqualTo(-1);
        assertThat(producer.completeNext()).isTrue();
        await().until(() -> committed() == 1);
        assertThat(producer.history().get(1).value())
                .isEqualTo(producer.history().get(0).value());
    }

    @Test
    void commitsWaitForEarlierCommandsOfOtherInstances() {
        CountDownLatch slow = new CountDownLatch(1);
        Worker w = worker(options().concurrency(2).build(), ctx -> {
            if (ctx.instanceId().equals("slow")) {
                slow.await();
            }
            return null;
        });
        assignPartition();
        send(command("slow", "reserve", "execute"));
        send(command("fast", "reserve", "execute"));
        w.start();
        await().until(() -> producer.history().size() == 1); // fast answered first
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("fast");
        assertThat(committed()).isEqualTo(-1);
        slow.countDown();
        await().until(() -> committed() == 2);
    }

    @Test
    void closeFinishesTheCommandInFlightThenCommitsAndClosesTheClients() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Worker w = worker(options().build(), ctx -> {
            started.countDown();
            release.await();
            return Map.of("done", true);
        });
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        send(command("i-2", "reserve", "execute")); // queued behind i-1: not run, not committed
        w.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(w::close);
        closer.start();
        Thread.sleep(200);
        assertThat(closer.isAlive()).as("close waits for the command in flight").isTrue();
        release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();

        assertThat(producer.history()).hasSize(1);
        assertThat(committed()).isEqualTo(1);
        assertThat(consumer.closed()).isTrue();
        assertThat(producer.closed()).isTrue();
        assertThat(w.isRunning()).isFalse();
        w.close(); // idempotent
    }

    @Test
    void closeGivesUpOnCommandsThatOutliveTheShutdownTimeout() {
        CountDownLatch started = new CountDownLatch(1);
        Worker w = worker(options().shutdownTimeout(Duration.ofMillis(200)).build(), ctx -> {
            started.countDown();
            new CountDownLatch(1).await(); // until interrupted
            return null;
        });
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        w.start();
        await().until(() -> started.getCount() == 0);
        w.close();
        assertThat(producer.history()).isEmpty();
        assertThat(committed()).isEqualTo(-1); // delivered again to the next consumer
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void revokedPartitionDropsQueuedCommandsAndDoesNotCommitLateAnswers() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Worker w = worker(options().build(), ctx -> {
            calls.incrementAndGet();
            started.countDown();
            release.await();
            return null;
        });
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        send(command("i-1", "charge", "execute")); // same instance: queued behind the first
        w.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch revoked = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of());
            revoked.countDown();
        });
        assertThat(revoked.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        await().until(() -> producer.history().size() == 1); // the running command still answers
        Thread.sleep(300);
        assertThat(calls).hasValue(1); // the queued one is left to the partition's new owner
        assertThat(committed()).isEqualTo(-1);
        w.close();
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void closeFromInsideAHandlerDoesNotDeadlock() {
        java.util.concurrent.atomic.AtomicReference<Worker> self = new java.util.concurrent.atomic.AtomicReference<>();
        Worker w = worker(options().build(), ctx -> {
            self.get().close();
            return Map.of("closing", true);
        });
        self.set(w);
        assignPartition();
        send(command("i-1", "reserve", "execute"));
        w.start();
        await().until(() -> consumer.closed());
        assertThat(producer.history()).hasSize(1);
        assertThat(committed()).isEqualTo(1);
        assertThat(w.isRunning()).isFalse();
    }

    @Test
    void lifecycleGuards() {
        Worker w = worker(options().build(), ctx -> null);
        w.onCompensate(ctx -> null);
        assertThatThrownBy(() -> w.onCompensate(ctx -> null)).isInstanceOf(IllegalStateException.class);
        w.start();
        assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        assertThatThrownBy(() -> w.onCompensate(ctx -> null)).isInstanceOf(IllegalStateException.class);
        w.close();
        w.close();
        assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        Worker never = worker(options().build(), ctx -> null);
        never.close();
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);
        assertThat(never.isRunning()).isFalse();
        assertThatThrownBy(() -> Worker.create(options().build(), null)).isInstanceOf(NullPointerException.class);
    }
}
