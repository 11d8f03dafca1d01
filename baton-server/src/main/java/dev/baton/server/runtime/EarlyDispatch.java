package dev.baton.server.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Sends commands the moment they are decided, ahead of the transaction that stores the decision
 * ({@link OrchestratorSettings#earlyDispatch()}).
 *
 * <p>Why: under exactly-once a command is visible to its worker only once the orchestrator's transaction commits,
 * which cost about 35 ms per orchestrator pass in the per-hop benchmark (the wait for the commit interval, then the
 * commit's three round trips). A worker does not need the decision to be durable before it starts: it needs the
 * command to be one the orchestrator will stand by. That holds if a replay after a crash decides the same commands
 * again, with the same ids, so that the command sent early is either confirmed by the replay's stored state or sent
 * once more (a duplicate the worker drops by its command id, which the protocol allows anyway). The engine is
 * deterministic; {@link InstanceProcessor} feeds it only what a replay sees again: input records, times taken from
 * them, the definition version the instance is pinned to, and timers written to the requests topic as records.
 *
 * <p>What stays in the transaction: the instance's state, the input offsets, results, status events, emitted records,
 * child start requests and dead letters, since a replay would publish those a second time. Commands only go out
 * early; a command held for a paused topic is still held in the transaction.
 *
 * <p>The one thing a transaction must not do is commit a state that says "command sent" while the command is not on
 * the broker: a replay would not send it again, and the step would wait forever. So the commit waits for the early
 * sends. The Streams producer of every stream thread is wrapped ({@link #clientSupplier}): before it commits, it
 * flushes the early producer and fails the commit if a send of its thread failed, so Kafka Streams aborts the
 * transaction, replaces the thread, and the replay sends the command again.
 */
final class EarlyDispatch implements AutoCloseable {
    /**
     * The early producer's {@code linger.ms}. Why not 0: under load each command then went out in a request of its
     * own, and throughput fell to about half of strict mode's (777 to 1,223 against 1,898 to 2,208 workflows/s in the
     * benchmark); with 5 ms and {@link #sendHeldBack} when the input is drained it was 1,910 to 2,608, with low-load
     * latency as at 0 (docs/benchmarks.md). Since then the held-back commands are sent at once only while the thread
     * is quiet (see DrainedInput); under load the linger alone batches them.
     */
    static final int LINGER_MS = 5;

    private static final ThreadLocal<AtomicReference<Exception>> FAILURE =
            ThreadLocal.withInitial(AtomicReference::new);

    private final Producer<byte[], byte[]> producer;
    private final AtomicLong sent = new AtomicLong();

    /**
     * @param producer an idempotent producer outside any transaction, lingering {@link #LINGER_MS}
     */
    EarlyDispatch(Producer<byte[], byte[]> producer) {
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    /**
     * Sends one command now. Called on the stream thread that decided it; a failed send fails that thread's next
     * commit.
     */
    void send(ProducerRecord<byte[], byte[]> command) {
        AtomicReference<Exception> failure = FAILURE.get();
        producer.send(command, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent.incrementAndGet();
    }

    /**
     * Sends what the producer holds back for its linger, and waits until it is written. Called when a quiet stream
     * thread has handled all its consumer gave it (see DrainedInput): at low load after every record, so that a
     * command leaves at once. Under load it is not called, so that the thread does not wait for the broker after every
     * poll and the linger batches the commands.
     */
    void sendHeldBack() {
        producer.flush();
    }

    /** How many commands went out early, for the metrics. */
    long sent() {
        return sent.get();
    }

    /**
     * Waits until every command sent early is on the broker, and refuses the commit if one of this thread's could not
     * be written. The failure is kept: the thread is replaced, and nothing of its open transaction may commit.
     */
    void awaitSent() {
        producer.flush();
        Exception failed = FAILURE.get().get();
        if (failed != null) {
            throw new KafkaException(
                    "a command sent ahead of the transaction was not written (" + failed
                            + "); the transaction must not commit, so that the replay sends the command again",
                    failed);
        }
    }

    /** The clients Kafka Streams uses, with every producer's commit waiting for the early sends first. */
    KafkaClientSupplier clientSupplier() {
        // why not Kafka Streams' own supplier: it lives in an internal package; these are the clients it makes.
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(Map<String, Object> config) {
                return Admin.create(config);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                return gated(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()));
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                return consumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                return consumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                return consumer(config);
            }
        };
    }

    /** {@code streamsProducer}, whose commits first wait for the early sends. */
    Producer<byte[], byte[]> gated(Producer<byte[], byte[]> streamsProducer) {
        return new CommitAfterEarlySends(streamsProducer);
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** A Streams producer whose commit first waits for the early sends (see the class comment). */
    private final class CommitAfterEarlySends implements Producer<byte[], byte[]> {
        private final Producer<byte[], byte[]> delegate;

        CommitAfterEarlySends(Producer<byte[], byte[]> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void commitTransaction() throws ProducerFencedException {
            awaitSent();
            delegate.commitTransaction();
        }

        @Override
        public void initTransactions() {
            delegate.initTransactions();
        }

        @Override
        public void beginTransaction() throws ProducerFencedException {
            delegate.beginTransaction();
        }

        @Override
        public void sendOffsetsToTransaction(
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata)
                throws ProducerFencedException {
            delegate.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void abortTransaction() throws ProducerFencedException {
            delegate.abortTransaction();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            delegate.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            delegate.unregisterMetricFromSubscription(metric);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
            return delegate.send(record);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            return delegate.send(record, callback);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return delegate.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return delegate.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return delegate.clientInstanceId(timeout);
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public void close(Duration timeout) {
            delegate.close(timeout);
        }
    }
}
