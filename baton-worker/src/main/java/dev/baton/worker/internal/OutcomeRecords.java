package dev.baton.worker.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the Kafka records of an outcome: one to the command's callback topic and, if
 * configured, a copy to the monitoring outcome topic. Key = instance id; value = outcome JSON;
 * CloudEvents 1.0 binary-mode headers; the command's W3C trace context headers copied.
 */
public final class OutcomeRecords {

    /** The CloudEvents type of an outcome. */
    public static final String CE_TYPE = "dev.baton.outcome.v1";
    /** The content type of every outcome. */
    public static final String CONTENT_TYPE = "application/json";

    private final String source;
    private final String outcomeTopic;

    /**
     * Creates the builder.
     *
     * @param groupId the worker's consumer group, used in {@code ce_source}
     * @param outcomeTopic the monitoring topic, or null for none
     */
    public OutcomeRecords(String groupId, String outcomeTopic) {
        this.source = "baton-worker/" + Objects.requireNonNull(groupId, "groupId");
        this.outcomeTopic = outcomeTopic;
    }

    /**
     * The records to publish for an answer to a command.
     *
     * @param command the command answered (its callback topic and trace headers are used)
     * @param answer the answer
     * @return one record to the callback topic, plus one to the outcome topic if configured and
     *     different
     */
    public List<ProducerRecord<byte[], byte[]>> records(Command command, Answer answer) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        records.add(record(command.callbackTopic(), command, answer));
        if (outcomeTopic != null && !outcomeTopic.equals(command.callbackTopic())) {
            records.add(record(outcomeTopic, command, answer));
        }
        return records;
    }

    private ProducerRecord<byte[], byte[]> record(String topic, Command command, Answer answer) {
        Outcome o = answer.outcome();
        RecordHeaders headers = new RecordHeaders();
        add(headers, "ce_specversion", "1.0");
        add(headers, "ce_id", o.commandId());
        add(headers, "ce_source", source);
        add(headers, "ce_type", CE_TYPE);
        add(headers, "ce_subject", o.instanceId());
        add(headers, "ce_time", answer.decidedAt().toString());
        add(headers, "content-type", CONTENT_TYPE);
        if (command.traceparent() != null) {
            add(headers, "traceparent", command.traceparent());
        }
        if (command.tracestate() != null) {
            add(headers, "tracestate", command.tracestate());
        }
        return new ProducerRecord<>(
                topic, null, o.instanceId().getBytes(StandardCharsets.UTF_8), answer.json(), headers);
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
