package dev.baton.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.protocol.Json;
import dev.baton.protocol.StatusMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Watches the status topic for the end of instances that a schedule started (ids {@code <workflow>@<tick>}) and
 * tells the schedule, on the schedules topic keyed by workflow: the overlap rules wait for it. An instance ends with
 * {@code InstanceCompleted}; a start the engine ignored (its id was taken) counts as ended too, or the schedule would
 * wait for it forever. Only records whose key holds an {@code @} are parsed, so the cost on other instances' status
 * is a key scan.
 */
final class ScheduleEnds implements Processor<byte[], byte[], String, byte[]> {
    private ProcessorContext<String, byte[]> context;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null || indexOf(record.key(), (byte) '@') < 0) {
            return;
        }
        String instanceId = new String(record.key(), StandardCharsets.UTF_8);
        String workflow = scheduledWorkflow(instanceId);
        if (workflow == null) {
            return;
        }
        JsonNode status;
        try {
            status = Json.mapper().readTree(record.value());
        } catch (IOException e) {
            return; // the orchestrator wrote it; a record it cannot read is not a schedule's business
        }
        String type = status.path(StatusMessage.TYPE).asText("");
        boolean ended = type.equals(StatusMessage.Types.INSTANCE_COMPLETED)
                || (type.equals(StatusMessage.Types.REQUEST_IGNORED)
                        && "StartInstance"
                                .equals(status.path(StatusMessage.REQUEST).asText()));
        if (ended) {
            context.forward(new Record<>(workflow, ScheduleRecords.ended(instanceId), record.timestamp()));
        }
    }

    /** The workflow of an id a schedule made, or null for any other id. */
    static String scheduledWorkflow(String instanceId) {
        int at = instanceId.indexOf('@');
        if (at < 1) {
            return null;
        }
        try {
            Instant.parse(instanceId.substring(at + 1));
            return instanceId.substring(0, at);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
