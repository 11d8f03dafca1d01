package dev.baton.server.runtime;

import dev.baton.definition.Trigger;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Instance;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.Json;
import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.StartRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record of a trigger topic: for every workflow whose newest version triggers on the topic, the filter decides,
 * and a record it takes becomes a start request keyed by the derived instance id, which the sink writes to the
 * requests topic (Kafka Streams partitions it by that key, as it does every request). The engine starts an id once,
 * so a record read again after a crash, or a second record with the same id, starts nothing new.
 */
final class TriggerProcessor implements Processor<byte[], byte[], byte[], Routed> {
    private static final Logger log = LoggerFactory.getLogger(TriggerProcessor.class);

    private final String topic;
    private final Function<String, List<WorkflowDefinition>> triggered;
    private final OrchestratorSettings settings;
    private final OrchestratorMetrics metrics;
    private final int recordLimit;
    private ProcessorContext<byte[], Routed> context;

    TriggerProcessor(
            String topic,
            Function<String, List<WorkflowDefinition>> triggered,
            OrchestratorSettings settings,
            OrchestratorMetrics metrics) {
        this.topic = topic;
        this.triggered = triggered;
        this.settings = settings;
        this.metrics = metrics;
        this.recordLimit = InstanceProcessor.recordLimit(settings);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        List<WorkflowDefinition> definitions = triggered.apply(topic);
        if (definitions.isEmpty()) {
            return; // the trigger was removed a moment ago; this application stops soon
        }
        Map<String, Object> data;
        try {
            data = dataOf(record);
        } catch (MalformedMessageException e) {
            deadLetter(record, e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("Could not read a record of trigger topic {}; it goes to the dead-letter topic", topic, e);
            deadLetter(record, "internal error: " + e);
            return;
        }
        Instant now = settings.clock().instant();
        for (WorkflowDefinition d : definitions) {
            Trigger trigger = d.trigger().orElseThrow();
            try {
                if (!trigger.accepts(data)) {
                    metrics.triggerSkipped(d.name());
                    continue;
                }
                start(d, trigger, data, record, now);
            } catch (IllegalArgumentException | MalformedMessageException e) {
                deadLetter(record, "trigger of workflow '" + d.name() + "': " + e.getMessage());
            } catch (RuntimeException e) {
                log.error(
                        "The trigger of {} failed on a record of {}; it goes to the dead-letter topic",
                        d.name(),
                        topic,
                        e);
                deadLetter(record, "trigger of workflow '" + d.name() + "': internal error: " + e);
            }
        }
    }

    private void start(
            WorkflowDefinition d,
            Trigger trigger,
            Map<String, Object> data,
            Record<byte[], byte[]> record,
            Instant now) {
        String businessKey = trigger.businessKeyOf(data);
        String instanceId = trigger.instanceIdOf(d.name(), data);
        if (instanceId.length() > Instance.MAX_ID_LENGTH || instanceId.chars().anyMatch(Character::isISOControl)) {
            throw new MalformedMessageException("the derived instance id '"
                    + instanceId.substring(0, Math.min(60, instanceId.length())) + "...' must be at most "
                    + Instance.MAX_ID_LENGTH + " characters with no control characters");
        }
        byte[] request = new StartRequest(d.name(), d.version(), trigger.inputOf(data), businessKey).toJson();
        if (request.length > recordLimit) {
            throw new MalformedMessageException(
                    "the start request would have " + request.length + " bytes, more than the limit of " + recordLimit);
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        // why this id: the same record read again after a crash makes the same event, so readers can tell a replay.
        String eventId =
                "trigger/" + source.topic() + "/" + source.partition() + "/" + source.offset() + "/" + d.name();
        Headers headers = CloudEventRecords.headers(CloudEvents.REQUEST, eventId, instanceId, now);
        context.forward(new Record<>(
                instanceId.getBytes(StandardCharsets.UTF_8),
                new Routed(settings.topics().requests(), request),
                record.timestamp(),
                headers));
        metrics.triggerStarted(d.name());
    }

    private Map<String, Object> dataOf(Record<byte[], byte[]> record) {
        int size =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        if (size > settings.maxPayloadBytes()) {
            throw new MalformedMessageException(
                    "the record has " + size + " bytes, more than the limit of " + settings.maxPayloadBytes());
        }
        CloudEventRecords.Event event = CloudEventRecords.event(record.headers(), record.value());
        if (event.data() == null) {
            throw new MalformedMessageException("the record has no value: a trigger reads a JSON value");
        }
        Object value;
        try {
            value = Json.mapper().readValue(event.data(), Object.class);
        } catch (IOException e) {
            String why = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new MalformedMessageException("the record's value is not valid JSON: " + why);
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        return Trigger.data(value, key, event.attributes());
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        metrics.deadLettered(source == null ? topic : source.topic());
        context.forward(DeadLetters.of(
                record, reason, source, recordLimit, settings.topics().deadLetters()));
    }
}
