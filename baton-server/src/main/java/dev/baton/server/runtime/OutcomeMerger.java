package dev.baton.server.runtime;

import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.WorkerOutcome;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The article's second way to avoid the race: a worker that publishes only to its own outcome topic has its
 * outcomes re-keyed by instance id and merged into the one callback topic, where they are ordered with everything
 * else about their instance. Records that are not Baton outcomes are other consumers' business and are skipped.
 */
final class OutcomeMerger implements Processor<byte[], byte[], byte[], byte[]> {
    private final boolean commitWhenDrained;
    /** Null unless early dispatch is on. */
    private final EarlyDispatch early;

    private ProcessorContext<byte[], byte[]> context;

    /** See {@link InstanceProcessor}: what the last record of a poll triggers. */
    OutcomeMerger(boolean commitWhenDrained, EarlyDispatch early) {
        this.commitWhenDrained = commitWhenDrained;
        this.early = early;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            WorkerOutcome outcome = WorkerOutcome.parse(CloudEventRecords.message(record.headers(), record.value()));
            context.forward(record.withKey(outcome.instanceId().getBytes(StandardCharsets.UTF_8)));
            DrainedInput.awaitedWritten(); // the orchestrator reads it back from the callback topic
        } catch (MalformedMessageException e) {
            // not a Baton outcome: skipped
        } finally {
            if (DrainedInput.handled()) {
                if (commitWhenDrained && DrainedInput.commitAtOnce()) {
                    context.commit();
                }
                if (early != null && DrainedInput.quiet()) {
                    early.sendHeldBack(); // commands of records handled before this one in the same poll
                }
            }
        }
    }

    @Override
    public void close() {
        DrainedInput.tasksChanged();
    }
}
