package dev.baton.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The durable state of one workflow instance: everything the engine needs to decide what happens next, and
 * everything a report needs to say what happened. Immutable; the engine returns a new one with each
 * {@link Decision}.
 */
public final class Instance {
    /** The longest instance id, in characters; ids also hold no control characters. */
    public static final int MAX_ID_LENGTH = 200;

    private final String instanceId;
    private final String workflow;
    private final int version;
    private final String businessKey;
    private final Object input;
    private final ProcessStatus status;
    private final Outcome outcome;
    private final Failure failure;
    private final Map<String, StepExecution> steps;
    private final List<String> compensated;
    private final int completions;
    private final Instant startedAt;
    private final Instant updatedAt;
    private final Instant completedAt;
    private final ParentRef parent;
    private final String parentCompensationCommandId;
    private final boolean paused;
    private final int redrives;
    private final Instant startsAt;
    private final Instant deadlineAt;
    private final List<BufferedSignal> bufferedSignals;

    private Instance(Builder b) {
        this.instanceId = Objects.requireNonNull(b.instanceId);
        this.workflow = Objects.requireNonNull(b.workflow);
        this.version = b.version;
        this.businessKey = b.businessKey;
        this.input = b.input;
        this.status = Objects.requireNonNull(b.status);
        this.outcome = b.outcome;
        this.failure = b.failure;
        this.steps = Collections.unmodifiableMap(new LinkedHashMap<>(b.steps));
        this.compensated = List.copyOf(b.compensated);
        this.completions = b.completions;
        this.startedAt = b.startedAt;
        this.updatedAt = b.updatedAt;
        this.completedAt = b.completedAt;
        this.parent = b.parent;
        this.parentCompensationCommandId = b.parentCompensationCommandId;
        this.paused = b.paused;
        this.redrives = b.redrives;
        this.startsAt = b.startsAt;
        this.deadlineAt = b.deadlineAt;
        this.bufferedSignals = List.copyOf(b.bufferedSignals);
    }

    public static Builder builder(String instanceId, String workflow, int version) {
        return new Builder(instanceId, workflow, version);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public String instanceId() {
        return instanceId;
    }

    public String workflow() {
        return workflow;
    }

    /** The definition version the instance started with and keeps until it ends. */
    public int version() {
        return version;
    }

    public String businessKey() {
        return businessKey;
    }

    /** The request's input. */
    public Object input() {
        return input;
    }

    public ProcessStatus status() {
        return status;
    }

    /** The item's outcome; {@code null} while it is undecided. Set as soon as the item fails, before compensation. */
    public Outcome outcome() {
        return outcome;
    }

    /** What made the item fail or be cancelled; {@code null} otherwise. */
    public Failure failure() {
        return failure;
    }

    /** Every step of the definition, in definition order. */
    public Map<String, StepExecution> steps() {
        return steps;
    }

    public StepExecution step(String stepId) {
        return steps.get(stepId);
    }

    /** Steps whose compensation succeeded, in the order they did. */
    public List<String> compensated() {
        return compensated;
    }

    /** How many steps have succeeded so far; the source of {@link StepExecution#completionOrder()}. */
    public int completions() {
        return completions;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Instant completedAt() {
        return completedAt;
    }

    /** The parent step that started this instance as a sub-workflow; {@code null} for an instance started by a request. */
    public ParentRef parent() {
        return parent;
    }

    /**
     * The parent's compensate command while the parent has asked this (completed) instance to compensate its steps and
     * the answer is not out yet; {@code null} otherwise.
     */
    public String parentCompensationCommandId() {
        return parentCompensationCommandId;
    }

    /** An operator paused the instance: it records what arrives but sends nothing until it is resumed. */
    public boolean paused() {
        return paused;
    }

    /** How often an operator redrove the instance after it had completed failed or cancelled. */
    public int redrives() {
        return redrives;
    }

    /**
     * A delayed start that has not happened yet: the instance is recorded (RUNNING, every step PENDING) and its first
     * steps start at this time; {@code null} once they have started, or for an instance started at once.
     */
    public Instant startsAt() {
        return startsAt;
    }

    /** When the workflow's deadline passes for this instance; {@code null} when it has none (or none yet). */
    public Instant deadlineAt() {
        return deadlineAt;
    }

    /** Signals that arrived before a step waited for them, oldest first; a step that starts takes the oldest. */
    public List<BufferedSignal> bufferedSignals() {
        return bufferedSignals;
    }

    public boolean isCompleted() {
        return status == ProcessStatus.COMPLETED;
    }

    /**
     * The data conditions and input mappings read: {@code request}, {@code steps.<id>.output}, {@code instanceId}
     * and {@code businessKey}.
     */
    public Map<String, Object> data() {
        var stepData = new LinkedHashMap<String, Object>();
        for (StepExecution s : steps.values()) {
            if (s.completionOrder() > 0) {
                var entry = new LinkedHashMap<String, Object>();
                entry.put("output", s.output());
                stepData.put(s.stepId(), entry);
            }
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("request", input);
        data.put("steps", stepData);
        data.put("instanceId", instanceId);
        data.put("businessKey", businessKey);
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instance i && equalsIgnoringUpdatedAt(i) && Objects.equals(updatedAt, i.updatedAt);
    }

    /** Equal in everything but {@link #updatedAt()}: whether an event changed anything. */
    boolean equalsIgnoringUpdatedAt(Instance i) {
        return instanceId.equals(i.instanceId)
                && workflow.equals(i.workflow)
                && version == i.version
                && Objects.equals(businessKey, i.businessKey)
                && Objects.equals(input, i.input)
                && status == i.status
                && outcome == i.outcome
                && Objects.equals(failure, i.failure)
                && steps.equals(i.steps)
                && compensated.equals(i.compensated)
                && completions == i.completions
                && Objects.equals(startedAt, i.startedAt)
                && Objects.equals(completedAt, i.completedAt)
                && Objects.equals(parent, i.parent)
                && Objects.equals(parentCompensationCommandId, i.parentCompensationCommandId)
                && paused == i.paused
                && redrives == i.redrives
                && Objects.equals(startsAt, i.startsAt)
                && Objects.equals(deadlineAt, i.deadlineAt)
                && bufferedSignals.equals(i.bufferedSignals);
    }

    @Override
    public int hashCode() {
        return Objects.hash(instanceId, status, outcome);
    }

    @Override
    public String toString() {
        return "Instance[" + instanceId + " " + workflow + " v" + version + " " + status
                + (outcome == null ? "" : "/" + outcome) + " " + steps.values() + "]";
    }

    /** Mutable builder; used by the engine and by codecs that restore stored state. */
    public static final class Builder {
        private final String instanceId;
        private final String workflow;
        private final int version;
        private String businessKey;
        private Object input;
        private ProcessStatus status = ProcessStatus.RUNNING;
        private Outcome outcome;
        private Failure failure;
        private final LinkedHashMap<String, StepExecution> steps = new LinkedHashMap<>();
        private final List<String> compensated = new ArrayList<>();
        private int completions;
        private Instant startedAt;
        private Instant updatedAt;
        private Instant completedAt;
        private ParentRef parent;
        private String parentCompensationCommandId;
        private boolean paused;
        private int redrives;
        private Instant startsAt;
        private Instant deadlineAt;
        private final List<BufferedSignal> bufferedSignals = new ArrayList<>();

        private Builder(String instanceId, String workflow, int version) {
            this.instanceId = instanceId;
            this.workflow = workflow;
            this.version = version;
        }

        private Builder(Instance i) {
            this(i.instanceId, i.workflow, i.version);
            this.businessKey = i.businessKey;
            this.input = i.input;
            this.status = i.status;
            this.outcome = i.outcome;
            this.failure = i.failure;
            this.steps.putAll(i.steps);
            this.compensated.addAll(i.compensated);
            this.completions = i.completions;
            this.startedAt = i.startedAt;
            this.updatedAt = i.updatedAt;
            this.completedAt = i.completedAt;
            this.parent = i.parent;
            this.parentCompensationCommandId = i.parentCompensationCommandId;
            this.paused = i.paused;
            this.redrives = i.redrives;
            this.startsAt = i.startsAt;
            this.deadlineAt = i.deadlineAt;
            this.bufferedSignals.addAll(i.bufferedSignals);
        }

        public Builder businessKey(String v) {
            this.businessKey = v;
            return this;
        }

        public Builder input(Object v) {
            this.input = v;
            return this;
        }

        public Builder status(ProcessStatus v) {
            this.status = v;
            return this;
        }

        public Builder outcome(Outcome v) {
            this.outcome = v;
            return this;
        }

        public Builder failure(Failure v) {
            this.failure = v;
            return this;
        }

        public Builder completions(int v) {
            this.completions = v;
            return this;
        }

        public Builder startedAt(Instant v) {
            this.startedAt = v;
            return this;
        }

        public Builder updatedAt(Instant v) {
            this.updatedAt = v;
            return this;
        }

        public Builder completedAt(Instant v) {
            this.completedAt = v;
            return this;
        }

        public Builder parent(ParentRef v) {
            this.parent = v;
            return this;
        }

        public Builder paused(boolean v) {
            this.paused = v;
            return this;
        }

        public Builder redrives(int v) {
            this.redrives = v;
            return this;
        }

        public Builder startsAt(Instant v) {
            this.startsAt = v;
            return this;
        }

        public Builder deadlineAt(Instant v) {
            this.deadlineAt = v;
            return this;
        }

        public Builder parentCompensationCommandId(String v) {
            this.parentCompensationCommandId = v;
            return this;
        }

        public Builder bufferedSignals(Collection<BufferedSignal> signals) {
            bufferedSignals.clear();
            bufferedSignals.addAll(signals);
            return this;
        }

        public Builder step(StepExecution step) {
            steps.put(step.stepId(), step);
            return this;
        }

        public Builder compensated(Collection<String> stepIds) {
            compensated.clear();
            compensated.addAll(stepIds);
            return this;
        }

        // Read access for the engine, which decides from the state it is building.
        ProcessStatus status() {
            return status;
        }

        Outcome outcome() {
            return outcome;
        }

        Failure failure() {
            return failure;
        }

        StepExecution step(String id) {
            return steps.get(id);
        }

        Collection<StepExecution> steps() {
            return steps.values();
        }

        List<String> compensatedSoFar() {
            return compensated;
        }

        int completions() {
            return completions;
        }

        String instanceId() {
            return instanceId;
        }

        String workflow() {
            return workflow;
        }

        int version() {
            return version;
        }

        Object input() {
            return input;
        }

        String businessKey() {
            return businessKey;
        }

        ParentRef parent() {
            return parent;
        }

        boolean paused() {
            return paused;
        }

        int redrives() {
            return redrives;
        }

        String parentCompensationCommandId() {
            return parentCompensationCommandId;
        }

        Instant startsAt() {
            return startsAt;
        }

        Instant deadlineAt() {
            return deadlineAt;
        }

        List<BufferedSignal> bufferedSignalsSoFar() {
            return bufferedSignals;
        }

        public Instance build() {
            return new Instance(this);
        }
    }
}
