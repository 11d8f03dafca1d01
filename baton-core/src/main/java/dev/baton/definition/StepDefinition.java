package dev.baton.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a workflow: what it does ({@link #kind()}), which steps must finish first, and how to compensate it. Build one with {@link WorkflowDefinition.Builder#step(String, java.util.function.Consumer)}.
 */
public final class StepDefinition {
    private final String id;
    /** Every kind the builder was given, in YAML field order; valid definitions have exactly one. */
    private final List<StepKind> declaredKinds;

    private final List<String> after;
    private final Duration timeout;
    private final Condition when;
    private final Compensation compensate;
    private final InputMapping input;
    private final String outcomeTopic;
    private final FailurePolicy onFailure;
    private final Repeat repeat;
    private final ForEach forEach;

    private StepDefinition(Builder b) {
        this.id = b.id;
        this.declaredKinds = b.declaredKinds();
        this.after = List.copyOf(b.after);
        this.timeout = b.timeout;
        this.when = b.when;
        this.compensate = b.compensate;
        this.input = b.input;
        this.outcomeTopic = b.outcomeTopic;
        this.onFailure = b.onFailure;
        this.repeat = b.repeat;
        this.forEach = b.forEach;
    }

    public String id() {
        return id;
    }

    /**
     * What the step does. Exactly one kind per step in every definition that passed validation.
     *
     * @throws IllegalStateException for a step of an unvalidated definition that declares none or several
     */
    public StepKind kind() {
        if (declaredKinds.size() != 1) {
            throw new IllegalStateException("step '" + id + "' declares " + declaredKinds.size() + " kinds");
        }
        return declaredKinds.get(0);
    }

    /** What the builder was given, for the validator, which must report a step with none or several. */
    List<StepKind> declaredKinds() {
        return declaredKinds;
    }

    /** The worker's command topic; {@code null} unless the step's kind is {@link WorkerTopic}. */
    public String topic() {
        return kindOf(WorkerTopic.class).map(WorkerTopic::topic).orElse(null);
    }

    /** The signal the step waits for, when its kind is {@link SignalWait}. */
    public Optional<String> signal() {
        return kindOf(SignalWait.class).map(SignalWait::name);
    }

    /** The event the step waits for, when its kind is {@link EventWait}. */
    public Optional<EventWait> event() {
        return kindOf(EventWait.class);
    }

    /** The workflow the step runs as a child instance, when its kind is {@link SubWorkflow}. */
    public Optional<SubWorkflow> workflow() {
        return kindOf(SubWorkflow.class);
    }

    /** The endpoint Baton calls itself, when the step's kind is {@link HttpStep}. */
    public Optional<HttpStep> http() {
        return kindOf(HttpStep.class);
    }

    /** The time the step waits for, when its kind is {@link Sleep}. */
    public Optional<Sleep> sleep() {
        return kindOf(Sleep.class);
    }

    /** How the step runs in rounds until a condition holds; absent for a step that runs once. */
    public Optional<Repeat> repeat() {
        return Optional.ofNullable(repeat);
    }

    /** The record the step publishes, when its kind is {@link EmitStep}. */
    public Optional<EmitStep> emit() {
        return kindOf(EmitStep.class);
    }

    private <K extends StepKind> Optional<K> kindOf(Class<K> type) {
        for (StepKind k : declaredKinds) {
            if (type.isInstance(k)) {
                return Optional.of(type.cast(k));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a succeeded run of the step can be compensated: by a compensate command to a worker, or, for a step
     * that runs a workflow, by asking the child instance to compensate its own completed steps.
     */
    public boolean compensable() {
        return compensate != null || workflow().isPresent();
    }

    /** Steps that must be done (succeeded or skipped) before this one starts; several make a join. */
    public List<String> after() {
        return after;
    }

    /** How long to wait for the worker's absolute outcome before the step counts as failed. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** When present and false at the time the step becomes ready, the step is skipped. */
    public Optional<Condition> when() {
        return Optional.ofNullable(when);
    }

    public Optional<Compensation> compensate() {
        return Optional.ofNullable(compensate);
    }

    /** The step's input mapping; absent means the request's input is passed as is. */
    public Optional<InputMapping> input() {
        return Optional.ofNullable(input);
    }

    /**
     * The worker's own outcome topic, for workers that cannot honour a callback topic: Baton merges it into the
     * callback stream.
     */
    public Optional<String> outcomeTopic() {
        return Optional.ofNullable(outcomeTopic);
    }

    public FailurePolicy onFailure() {
        return onFailure;
    }

    /** When present, the step runs once per element of a list instead of once; see {@link ForEach}. */
    public Optional<ForEach> forEach() {
        return Optional.ofNullable(forEach);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepDefinition s
                && id.equals(s.id)
                && declaredKinds.equals(s.declaredKinds)
                && after.equals(s.after)
                && Objects.equals(timeout, s.timeout)
                && Objects.equals(when, s.when)
                && Objects.equals(compensate, s.compensate)
                && Objects.equals(input, s.input)
                && Objects.equals(outcomeTopic, s.outcomeTopic)
                && onFailure == s.onFailure
                && Objects.equals(repeat, s.repeat)
                && Objects.equals(forEach, s.forEach);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, declaredKinds, after);
    }

    @Override
    public String toString() {
        String target = declaredKinds.size() != 1
                ? declaredKinds.toString()
                : kind().accept(new StepKind.Visitor<String>() {
                    @Override
                    public String worker(WorkerTopic step) {
                        return step.topic();
                    }

                    @Override
                    public String http(HttpStep step) {
                        return step.method() + " " + step.url();
                    }

                    @Override
                    public String signal(SignalWait step) {
                        return "signal " + step.name();
                    }

                    @Override
                    public String subWorkflow(SubWorkflow step) {
                        return "workflow " + step.name();
                    }

                    @Override
                    public String sleep(Sleep step) {
                        return "sleep " + (step.duration() != null ? step.duration() : "until " + step.until());
                    }

                    public String event(EventWait step) {
                        return "event " + step.topic();
                    }

                    public String emit(EmitStep step) {
                        return "emit " + step.topic();
                    }
                });
        return "Step[" + id + " -> " + target + (after.isEmpty() ? "" : " after " + after) + "]";
    }

    /** Fluent builder for a step; one of {@link #topic(String)}, {@link #signal(String)} and {@link #workflow(String)} is required. */
    public static final class Builder {
        private final String id;
        private String topic;
        private List<String> after = List.of();
        private Duration timeout;
        private Condition when;
        private Compensation compensate;
        private InputMapping input;
        private String outcomeTopic;
        private FailurePolicy onFailure = FailurePolicy.COMPENSATE;
        private String signal;
        private SubWorkflow workflow;
        private HttpStep http;
        private Sleep sleep;
        private Repeat repeat;
        private EventWait event;
        private EmitStep emit;
        private ForEach forEach;

        Builder(String id) {
            this.id = id;
        }

        private List<StepKind> declaredKinds() {
            var kinds = new java.util.ArrayList<StepKind>();
            if (topic != null) {
                kinds.add(new WorkerTopic(topic));
            }
            if (signal != null) {
                kinds.add(new SignalWait(signal));
            }
            if (workflow != null) {
                kinds.add(workflow);
            }
            if (http != null) {
                kinds.add(http);
            }
            if (sleep != null) {
                kinds.add(sleep);
            }

            if (event != null) {
                kinds.add(event);
            }

            if (emit != null) {
                kinds.add(emit);
            }
            return List.copyOf(kinds);
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder after(String... stepIds) {
            this.after = List.of(stepIds);
            return this;
        }

        public Builder after(List<String> stepIds) {
            this.after = List.copyOf(stepIds);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** A condition in the syntax of {@link Condition}; a malformed one is reported by {@code build()}. */
        public Builder when(String condition) {
            this.when = Condition.parse(condition);
            return this;
        }

        public Builder when(Condition condition) {
            this.when = condition;
            return this;
        }

        public Builder compensate(String topic) {
            this.compensate = new Compensation(topic);
            return this;
        }

        public Builder input(Object template) {
            this.input = template == null ? null : InputMapping.of(template);
            return this;
        }

        public Builder outcomeTopic(String topic) {
            this.outcomeTopic = topic;
            return this;
        }

        /** Makes this a step that waits for the named signal instead of commanding a worker. */
        public Builder signal(String name) {
            this.signal = name;
            return this;
        }

        /** Makes this a step that runs the newest deployed version of the named workflow as a child instance. */
        public Builder workflow(String name) {
            return workflow(name, null);
        }

        /** Makes this a step that runs the named workflow as a child instance; {@code version} null means the newest. */
        public Builder workflow(String name, Integer version) {
            this.workflow = name == null && version == null ? null : new SubWorkflow(name, version);
            return this;
        }

        /** Makes this a step that calls an HTTP endpoint itself, with Baton's retries. */
        public Builder http(HttpStep http) {
            this.http = http;
            return this;
        }

        /** Makes this a step that waits for a time instead of commanding a worker. */
        public Builder sleep(Sleep sleep) {
            this.sleep = sleep;
            return this;
        }

        /** Runs the step in rounds until the condition holds, at most {@code max} rounds. */
        public Builder repeat(Repeat repeat) {
            this.repeat = repeat;
            return this;
        }

        /** Makes this a step that waits for a correlated event on a Kafka topic. */
        public Builder event(EventWait event) {
            this.event = event;
            return this;
        }

        /** Makes this a step that publishes a record and succeeds at once. */
        public Builder emit(EmitStep emit) {
            this.emit = emit;
            return this;
        }

        /** Makes the step run once per element of a list; {@code null} runs it once. */
        public Builder forEach(ForEach forEach) {
            this.forEach = forEach;
            return this;
        }

        /** Runs the step once per element of the list at {@code items}, 10 at a time, tolerating no failure. */
        public Builder forEach(String items) {
            return forEach(new ForEach(DataPath.parse(items), ForEach.DEFAULT_MAX_CONCURRENCY, ForEach.Tolerance.NONE));
        }

        public Builder onFailure(FailurePolicy policy) {
            this.onFailure = Objects.requireNonNull(policy);
            return this;
        }

        StepDefinition build() {
            return new StepDefinition(this);
        }
    }
}
