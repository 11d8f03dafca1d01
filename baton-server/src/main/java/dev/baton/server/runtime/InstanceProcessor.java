package dev.baton.server.runtime;

import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Decision;
import dev.baton.engine.Engine;
import dev.baton.engine.Inbound;
import dev.baton.engine.Instance;
import dev.baton.engine.ItemResult;
import dev.baton.engine.RuntimeFacts;
import dev.baton.engine.StepExecution;
import dev.baton.protocol.EventDelivery;
import dev.baton.protocol.InstanceCodec;
import dev.baton.protocol.MalformedMessageException;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.RequestMessage;
import dev.baton.protocol.SignalRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.protocol.WorkerOutcome;
import dev.baton.server.tracing.InstanceTrace;
import dev.baton.server.tracing.Tracing;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's loop around the engine, for one partition of instances: read an event, load the instance,
 * let the engine decide, store the new state, forward what it decided. Kafka Streams commits the store change and
 * every forwarded record in one transaction, which is what makes a decision happen exactly once.
 */
final class InstanceProcessor implements Processor<byte[], byte[], byte[], Routed> {
    private static final Logger log = LoggerFactory.getLogger(InstanceProcessor.class);

    /** Room left under the producer's {@code max.request.size} for the key, headers and record overhead. */
    static final int RECORD_HEADROOM = 16 * 1024;
    /** Dead-letter reasons are cut to this length: they may quote the record's fields. */
    static final int MAX_REASON_CHARS = 1000;
    /**
     * Marks a record on the requests topic as a due timer written by the orchestrator under early dispatch; its value
     * is the timer, its key the instance id. The header's value is the timer's key in the timer store.
     */
    static final String TIMER_HEADER = "baton-timer";

    private final DefinitionRegistry definitions;
    private final OrchestratorSettings settings;
    private final int recordLimit;
    private final DecisionWriter writer;
    private final OrchestratorMetrics metrics;
    private final Tracing tracing;
    /** Sends commands ahead of the transaction; null unless {@link OrchestratorSettings#earlyDispatch()}. */
    private final EarlyDispatch early;

    private ProcessorContext<byte[], Routed> context;
    private KeyValueStore<String, byte[]> instances;
    private TimerStore timers;
    private TraceContexts traces;
    private final TopicPauses pauses;
    private HeldCommands held;
    /** The benchmark's timing chain of the record being processed, stamped "seen"; null unless it is timed. */
    private String hops;

    InstanceProcessor(
            DefinitionRegistry definitions,
            TopicPauses pauses,
            OrchestratorSettings settings,
            OrchestratorMetrics metrics,
            Tracing tracing,
            EarlyDispatch early) {
        this.early = settings.earlyDispatch() ? early : null;
        this.definitions = definitions;
        this.pauses = pauses;
        this.settings = settings;
        this.metrics = metrics;
        this.tracing = tracing;
        this.writer = new DecisionWriter(settings);
        this.recordLimit = recordLimit(settings);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        // why here and not in the constructor: a topology built only to be described (its internal topics) has none.
        if (settings.earlyDispatch() && early == null) {
            throw new IllegalStateException("early dispatch is on, but there is no producer to dispatch with");
        }
        this.context = context;
        this.instances = context.getStateStore(OrchestratorTopology.INSTANCE_STORE);
        this.timers = new TimerStore(context.getStateStore(OrchestratorTopology.TIMER_STORE));
        this.traces = new TraceContexts(context.getStateStore(OrchestratorTopology.TRACE_STORE), tracing.isOn());
        context.schedule(settings.timerResolution(), PunctuationType.WALL_CLOCK_TIME, now -> fireDueTimers());
        if (settings.topicPauses()) {
            this.held = new HeldCommands(
                    context.getStateStore(OrchestratorTopology.HELD_COMMANDS_STORE),
                    pauses,
                    metrics,
                    settings.timerResolution());
            context.schedule(settings.timerResolution(), PunctuationType.WALL_CLOCK_TIME, now -> releaseHeldCommands());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        // why the record's time under early dispatch: a replay after a crash must decide exactly as the first pass did,
        // and the wall clock would have moved on by then.
        Instant now = early != null
                ? Instant.ofEpochMilli(record.timestamp())
                : settings.clock().instant();
        hops = settings.hopTiming() ? HopStamps.seen(record.headers()) : null;
        try {
            String instanceId = instanceIdOf(record);
            Instance current = load(instanceId);
            Record<byte[], byte[]> message =
                    record.withValue(CloudEventRecords.message(record.headers(), record.value()));
            Header timer = record.headers().lastHeader(TIMER_HEADER);
            if (timer != null && topic.equals(settings.topics().requests())) {
                onTimerRecord(record, new String(timer.value(), StandardCharsets.UTF_8), instanceId, current, now);
            } else if (topic.equals(settings.topics().requests())) {
                onRequest(message, instanceId, current, now);
            } else {
                onOutcome(message, instanceId, current, now);
            }
        } catch (MalformedMessageException e) {
            deadLetter(record, e.getMessage());
        } catch (RuntimeException e) {
            // A bug must not stop every other instance on this partition; the record is kept for inspection.
            log.error("Could not process a record from {}; it goes to the dead-letter topic", topic, e);
            deadLetter(record, "internal error: " + e);
        } finally {
            hops = null;
            if (DrainedInput.handled()) {
                if (settings.commitWhenDrained() && DrainedInput.commitAtOnce()) {
                    context.commit();
                }
                if (early != null && DrainedInput.quiet()) {
                    early.sendHeldBack();
                }
            }
        }
    }

    @Override
    public void close() {
        if (held != null) {
            held.close();
        }
        DrainedInput.tasksChanged();
    }

    /** Parses the request and finds the definition it runs on; the engine decides what a missing one means. */
    private void onRequest(Record<byte[], byte[]> record, String instanceId, Instance current, Instant now) {
        RequestMessage request = RequestMessage.parse(record.value());
        Inbound event;
        if (request instanceof StartRequest start) {
            event = start.toInbound(instanceId, now);
        } else if (request instanceof SignalRequest signal) {
            event = signal.toInbound(instanceId, now);
        } else if (request instanceof EventDelivery delivery) {
            event = delivery.toInbound(instanceId, now);
        } else if (request instanceof OperatorRequest op && op.operation() == OperatorRequest.Operation.MIGRATE) {
            WorkflowDefinition target = current == null
                    ? null
                    : definitions.find(current.workflow(), op.version()).orElse(null);
            event = op.toMigration(instanceId, target, now);
        } else {
            event = ((OperatorRequest) request).toInbound(instanceId, now);
        }
        WorkflowDefinition definition = current != null
                ? definitionOf(current)
                : request instanceof StartRequest start ? deployed(start).orElse(null) : null;
        // why not early: "the newest version" may mean another one when a replay comes, once a deploy has landed in
        // between; a start request that names its version, like every later event of an instance, is pinned.
        boolean pinned = current != null || !(request instanceof StartRequest start) || start.version() != null;
        decideAndApply(definition, current, event, record.headers(), pinned);
    }

    /**
     * A due timer written to the log by {@link #fireDueTimers} under early dispatch: it decides now, in the order of
     * the instance's other input, so that a replay meets it at the same place. A firing that fails is kept in the timer
     * store for another try, as in {@link #fireDueTimers}.
     */
    private void onTimerRecord(
            Record<byte[], byte[]> record, String timerKey, String instanceId, Instance current, Instant now) {
        DueTimer due;
        try {
            due = TimerCodec.read(timerKey, record.value());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        if (!due.instanceId().equals(instanceId)) {
            throw new MalformedMessageException(
                    "the record key '" + instanceId + "' is not the timer's instance '" + due.instanceId() + "'");
        }
        try {
            decideAndApply(
                    current == null ? null : definitionOf(current),
                    current,
                    due.toInbound(now),
                    record.headers(),
                    true);
        } catch (RuntimeException e) {
            DueTimer again = timers.tryAgainLater(due, now);
            metrics.timerFailed(due.kind());
            logTimerFailure(again, e);
        }
    }

    private void onOutcome(Record<byte[], byte[]> record, String instanceId, Instance current, Instant now) {
        WorkerOutcome outcome = WorkerOutcome.parse(record.value());
        if (!outcome.instanceId().equals(instanceId)) {
            throw new MalformedMessageException("the record key '" + instanceId + "' is not the outcome's instanceId '"
                    + outcome.instanceId() + "': outcomes must be keyed by instance id");
        }
        decideAndApply(
                current == null ? null : definitionOf(current),
                current,
                outcome.toInbound(now),
                record.headers(),
                true);
    }

    private Optional<WorkflowDefinition> deployed(StartRequest start) {
        return start.version() == null
                ? definitions.latest(start.workflow())
                : definitions.find(start.workflow(), start.version());
    }

    /**
     * For each due timer: build the inbound event, decide and apply, or keep the timer for later. Under early dispatch
     * the timer is written to the requests topic instead, and decides when it is read back ({@link #onTimerRecord}):
     * a decision the wall clock triggered here would not be made at the same point by a replay.
     */
    private void fireDueTimers() {
        Instant now = settings.clock().instant();
        List<DueTimer> dueTimers = timers.dueAt(now);
        if (!dueTimers.isEmpty()) {
            context.commit(); // what the timers decide is visible at once, not at the next commit interval
        }
        for (DueTimer due : dueTimers) {
            timers.remove(due);
            if (early != null) {
                logTimer(due, now);
                continue;
            }
            try {
                Instance current = load(due.instanceId());
                decideAndApply(
                        current == null ? null : definitionOf(current),
                        current,
                        due.toInbound(now),
                        new RecordHeaders(),
                        false);
            } catch (RuntimeException e) {
                // why: the timer is the only record that this step must time out or be called again (or that this
                // instance must go); dropping it would leave the instance waiting forever.
                DueTimer again = timers.tryAgainLater(due, now);
                metrics.timerFailed(due.kind());
                logTimerFailure(again, e);
            }
        }
    }

    /** Writes a due timer to the requests topic, in the same transaction as its removal from the timer store. */
    private void logTimer(DueTimer due, Instant now) {
        var headers = new RecordHeaders();
        headers.add(TIMER_HEADER, due.key().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(
                due.instanceId().getBytes(StandardCharsets.UTF_8),
                new Routed(settings.topics().requests(), TimerCodec.write(due)),
                now.toEpochMilli(),
                headers));
    }

    private static void logTimerFailure(DueTimer again, RuntimeException e) {
        String timer = again.kind().aboutTheInstance()
                ? "the " + again.kind().wireName() + " of instance " + again.instanceId()
                : "the " + again.kind().wireName() + " of command " + again.commandId() + " for instance "
                        + again.instanceId();
        String message = "Could not fire " + timer + " (failure " + again.failures() + "); trying again at "
                + again.dueAt() + ": " + e;
        if (again.failures() == 1) {
            log.warn(message, e); // the stack trace once; later failures of the same timer name the error only
        } else {
            log.warn(message);
        }
    }

    /**
     * Decides, then stores and forwards what was decided. Nothing is stored or sent before every record is known to
     * fit: a record Kafka refuses would fail the task, and Kafka Streams would retry the same input forever, stopping
     * every instance on the partition.
     */
    private void decideAndApply(
            WorkflowDefinition definition, Instance current, Inbound event, Headers inbound, boolean mayDispatchEarly) {
        var state = new StateBytes();
        Decision decision = Engine.decide(
                definition,
                current,
                event,
                new RuntimeFacts(settings.retention(), recordLimit, state::size)
                        .withSignalBuffer(settings.eventBufferTtl(), settings.signalBufferLimit())
                        .withItems(this::storedItem));
        if (decision.isRejected()) {
            throw new MalformedMessageException(decision.rejection());
        }
        InstanceTrace trace = traces.of(current, decision.instance(), inbound);
        String workflow = definition != null ? definition.name() : current != null ? current.workflow() : "";
        List<DecisionWriter.Outgoing> out = writer.records(decision, workflow, event.at(), trace);
        for (DecisionWriter.Outgoing r : out) {
            int size = r.routed().value().length + headersSize(r.headers());
            if (size > recordLimit) {
                throw new MalformedMessageException("handling it would publish a record of " + size + " bytes to "
                        + r.routed().topic() + ", more than the limit of " + recordLimit);
            }
        }
        for (ItemResult item : decision.items()) {
            instances.put(ItemKeys.of(item.instanceId(), item.stepId(), item.index()), InstanceCodec.writeItem(item));
        }
        if (decision.forget()) {
            instances.delete(event.instanceId());
            forgetItems(current);
            traces.forget(event.instanceId());
        } else if (decision.instance() != null && decision.instance() != current) {
            instances.put(decision.instance().instanceId(), state.of(decision.instance()));
            traces.remember(current, decision.instance(), inbound);
        }
        timers.apply(decision.timers());
        metrics.decided(workflow, decision);
        if (decision.instance() != null) {
            tracing.record(current, decision.instance(), event.at(), trace);
        }
        for (DecisionWriter.Outgoing r : out) {
            forward(r, event.at(), mayDispatchEarly);
        }
    }

    /**
     * The stored form of the states the engine measures: the engine asks for the size of its new state (and once more
     * after failing an oversized output), and the same bytes are then stored, so a state is encoded once.
     */
    private static final class StateBytes {
        private Instance encoded;
        private byte[] bytes;

        int size(Instance instance) {
            return of(instance).length;
        }

        byte[] of(Instance instance) {
            if (instance != encoded) {
                bytes = InstanceCodec.write(instance);
                encoded = instance;
            }
            return bytes;
        }
    }

    /**
     * Forwards one record, unless it is a command for a paused worker topic: that one is held (see HeldCommands). Under
     * early dispatch a command of a decision that a replay would make again goes out now (see EarlyDispatch).
     */
    private void forward(DecisionWriter.Outgoing r, Instant at, boolean mayDispatchEarly) {
        if (hops != null && !r.routed().topic().equals(settings.topics().status())) {
            HopStamps.sent(hops, r.headers());
        }
        var record = new Record<>(r.key().getBytes(StandardCharsets.UTF_8), r.routed(), at.toEpochMilli(), r.headers());
        if (held != null && held.hold(record)) {
            return;
        }
        if (early != null && mayDispatchEarly && CloudEventRecords.isCommand(r.headers())) {
            early.send(new ProducerRecord<>(
                    r.routed().topic(),
                    null,
                    record.timestamp(),
                    record.key(),
                    r.routed().value(),
                    r.headers()));
        } else {
            if (!r.routed().topic().equals(settings.topics().status())) {
                DrainedInput.awaitedWritten();
            }
            context.forward(record);
        }
    }

    /** Sends what resumed topics' release rates allow now; visible at once, as timers' decisions are. */
    private void releaseHeldCommands() {
        if (held.release(settings.clock().instant(), context::forward) > 0) {
            context.commit();
        }
    }

    private static int headersSize(Headers headers) {
        int size = 0;
        for (Header h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /**
     * The largest record this processor writes: Kafka's producer refuses a record above {@code max.request.size}
     * (1 MiB unless the Kafka properties say otherwise), less room for the key, the headers and the record overhead.
     */
    static int recordLimit(OrchestratorSettings settings) {
        Map<String, Object> kafka = settings.kafkaProperties();
        Object configured = kafka.getOrDefault(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        int max = configured == null
                ? 1024 * 1024
                : Integer.parseInt(String.valueOf(configured).trim());
        return max - RECORD_HEADROOM;
    }

    private WorkflowDefinition definitionOf(Instance instance) {
        return definitions
                .find(instance.workflow(), instance.version())
                .orElseThrow(() -> new IllegalStateException("definition " + instance.workflow() + " v"
                        + instance.version() + " of instance " + instance.instanceId() + " is not deployed"));
    }

    private ItemResult storedItem(String instanceId, String stepId, int index) {
        byte[] stored = instances.get(ItemKeys.of(instanceId, stepId, index));
        return stored == null ? null : InstanceCodec.readItem(stored);
    }

    /** A forgotten instance takes its forEach items' results with it. */
    private void forgetItems(Instance forgotten) {
        if (forgotten == null) {
            return;
        }
        for (StepExecution step : forgotten.steps().values()) {
            if (step.fanOut() != null) {
                for (int i = 0; i < step.fanOut().total(); i++) {
                    instances.delete(ItemKeys.of(forgotten.instanceId(), step.stepId(), i));
                }
            }
        }
    }

    private Instance load(String instanceId) {
        byte[] stored = instances.get(instanceId);
        return stored == null ? null : InstanceCodec.read(stored);
    }

    private String instanceIdOf(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            throw new MalformedMessageException("the record has no key: the key must be the instance id");
        }
        int size = record.key().length + (record.value() == null ? 0 : record.value().length);
        if (size > settings.maxPayloadBytes()) {
            throw new MalformedMessageException(
                    "the record has " + size + " bytes, more than the limit of " + settings.maxPayloadBytes());
        }
        try {
            String id = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(record.key()))
                    .toString();
            if (id.isBlank()
                    || id.length() > Instance.MAX_ID_LENGTH
                    || id.chars().anyMatch(Character::isISOControl)) {
                throw new MalformedMessageException(
                        "the instance id (the record key) must be 1 to 200 characters with no control characters");
            }
            return id;
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("the record key is not valid UTF-8");
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        metrics.deadLettered(source == null ? "" : source.topic());
        context.forward(DeadLetters.of(
                record, reason, source, recordLimit, settings.topics().deadLetters()));
    }
}
