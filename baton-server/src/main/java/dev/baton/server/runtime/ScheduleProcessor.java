package dev.baton.server.runtime;

import dev.baton.definition.Schedule;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.ScheduleState;
import dev.baton.engine.ScheduleTicks;
import dev.baton.protocol.CloudEvents;
import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.StartRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts scheduled workflows. It runs in the one task of the one-partition schedules topic, so exactly one process
 * owns every schedule at a time; a wall-clock punctuation (every {@link OrchestratorSettings#timerResolution()})
 * applies {@link ScheduleTicks} to each deployed schedule and writes each start request to the requests topic in the
 * same Kafka transaction as the schedule's new state. A tick therefore starts one instance, under the id
 * {@code <workflow>@<tick>}, across restarts, fail-overs and several processes: a process that takes the task over
 * restores the state the last committed transaction left, and a transaction that did not commit wrote no start.
 *
 * <p>Records on the schedules topic (keyed by workflow) pause and resume a schedule, and tell it that an instance it
 * started has ended (see {@link ScheduleEnds}), which the overlap rules need.
 */
final class ScheduleProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger log = LoggerFactory.getLogger(ScheduleProcessor.class);

    private final DefinitionRegistry registry;
    private final OrchestratorSettings settings;
    private final OrchestratorMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, byte[]> store;

    ScheduleProcessor(DefinitionRegistry registry, OrchestratorSettings settings, OrchestratorMetrics metrics) {
        this.registry = registry;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.store = context.getStateStore(OrchestratorTopology.SCHEDULE_STORE);
        context.schedule(settings.timerResolution(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            deadLetter(record, "a schedule record needs a key (the workflow) and a value");
            return;
        }
        ScheduleRecords.Event event;
        try {
            event = ScheduleRecords.readEvent(record.value());
        } catch (MalformedMessageException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        String workflow = record.key();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        ScheduleState state = load(workflow).orElseGet(() -> ScheduleState.firstSeen(workflow, now));
        ScheduleTicks.Step step = switch (event.type()) {
            case ScheduleRecords.PAUSE ->
                ScheduleTicks.pause(state, event.actor(), event.reason(), event.at() == null ? now : event.at());
            case ScheduleRecords.RESUME -> ScheduleTicks.resume(state, event.at() == null ? now : event.at());
            default -> ScheduleTicks.ended(state, event.instanceId());
        };
        apply(workflow, state, step, now);
    }

    private void tick(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        Map<String, Schedule> scheduled = new HashMap<>();
        for (WorkflowDefinition d : registry.latestOfEach()) {
            d.schedule().ifPresent(s -> scheduled.put(d.name(), s));
        }
        // why: a version without a schedule ends it; a schedule added back later starts afresh, without catching up
        // on the time it did not exist.
        try (var all = store.all()) {
            var gone = new java.util.ArrayList<String>();
            all.forEachRemaining(kv -> {
                if (!scheduled.containsKey(kv.key)) {
                    gone.add(kv.key);
                }
            });
            gone.forEach(store::delete);
        }
        scheduled.forEach((workflow, schedule) -> {
            Optional<ScheduleState> stored = load(workflow);
            ScheduleState state = stored.orElseGet(() -> ScheduleState.firstSeen(workflow, now));
            ScheduleTicks.Step step;
            try {
                step = ScheduleTicks.advance(schedule, state, now, settings.scheduleGrace());
            } catch (RuntimeException e) { // a definition that validated cannot fail here; keep the others going
                log.error("Schedule of {} failed to advance; it is left as it is", workflow, e);
                return;
            }
            if (stored.isEmpty() && step.starts().isEmpty()) {
                store.put(workflow, ScheduleRecords.write(step.state()));
            }
            apply(workflow, state, step, now);
        });
    }

    private void apply(String workflow, ScheduleState before, ScheduleTicks.Step step, Instant now) {
        if (!step.changed(before)) {
            return;
        }
        store.put(workflow, ScheduleRecords.write(step.state()));
        Integer version =
                registry.latest(workflow).map(WorkflowDefinition::version).orElse(null);
        Object input = registry.latest(workflow)
                .flatMap(WorkflowDefinition::schedule)
                .map(Schedule::input)
                .orElse(Map.of());
        for (ScheduleTicks.Start start : step.starts()) {
            byte[] request = new StartRequest(workflow, version, input, null).toJson();
            var headers = CloudEventRecords.headers(CloudEvents.REQUEST, start.instanceId(), start.instanceId(), now);
            headers.add("baton.schedule.tick", start.tick().toString().getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(
                    start.instanceId(),
                    new Routed(settings.topics().requests(), request),
                    now.toEpochMilli(),
                    headers));
        }
        metrics.scheduleStarted(workflow, step.starts().size());
        step.skipped().forEach(s -> metrics.scheduleSkipped(workflow, s.reason().wireName(), s.count()));
    }

    private Optional<ScheduleState> load(String workflow) {
        byte[] stored = store.get(workflow);
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ScheduleRecords.read(stored));
        } catch (MalformedMessageException e) {
            log.error("Stored state of the schedule of {} cannot be read ({}); starting it afresh", workflow, e);
            return Optional.empty();
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        var headers = new RecordHeaders();
        headers.add("baton.dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add("baton.dlq.topic", m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add("baton.dlq.partition", String.valueOf(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("baton.dlq.offset", String.valueOf(m.offset()).getBytes(StandardCharsets.UTF_8));
            metrics.deadLettered(m.topic());
        });
        context.forward(new Record<>(
                record.key(),
                new Routed(settings.topics().deadLetters(), record.value()),
                record.timestamp(),
                headers));
    }
}
