package dev.baton.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a workflow: which worker topic receives its command, which steps must finish first, and how to undo
 * it. Build one with {@link WorkflowDefinition.Builder#step(String, java.util.function.Consumer)}.
 */
public final class StepDefinition {
    private final String id;
    private final String topic;
    private final List<String> after;
    private final Duration timeout;
    private final Condition when;
    private final Compensation compensate;
    private final InputMapping input;
    private final String outcomeTopic;
    private final FailurePolicy onFailure;
    private final String signal;
    private final SubWorkflow workflow;
    private final HttpStep http;

    private StepDefinition(Builder b) {
        this.id = b.id;
        this.topic = b.topic;
        this.after = List.copyOf(b.after);
        this.timeout = b.timeout;
        this.when = b.when;
        this.compensate = b.compensate;
        this.input = b.input;
        this.outcomeTopic = b.outcomeTopic;
        this.onFailure = b.onFailure;
        this.signal = b.signal;
        this.workflow = b.workflow;
        this.http = b.http;
    }

    public String id() {
        return id;
    }

    /** The worker's command topic; {@code null} for a step that waits for a signal, runs a workflow or calls HTTP. */
    public String topic() {
        return topic;
    }

    /**
     * The signal a waiting step waits for: such a step sends no command and succeeds, with the signal's payload as
     * its output, when a signal of this name is delivered to its instance while it waits.
     */
    public Optional<String> signal() {
        return Optional.ofNullable(signal);
    }

    /**
     * The workflow a step runs as a child instance, instead of commanding a worker: the step succeeds with the child's
     * output when the child succeeds, and fails when it fails or is cancelled.
     */
    public Optional<SubWorkflow> workflow() {
        return Optional.ofNullable(workflow);
    }

    /** The endpoint a step calls itself, with Baton's retries, instead of commanding a worker. */
    public Optional<HttpStep> http() {
        return Optional.ofNullable(http);
    }

    /**
     * Whether a succeeded run of the step can be undone: by a compensate command, or, for a step that runs a
     * workflow, by asking the child instance to undo its own completed steps.
     */
    public boolean undoable() {
        return compensate != null || workflow != null;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof StepDefinition s
                && id.equals(s.id)
                && Objects.equals(topic, s.topic)
                && after.equals(s.after)
                && Objects.equals(timeout, s.timeout)
                && Objects.equals(when, s.when)
                && Objects.equals(compensate, s.compensate)
                && Objects.equals(input, s.input)
                && Objects.equals(outcomeTopic, s.outcomeTopic)
                && onFailure == s.onFailure
                && Objects.equals(signal, s.signal)
                && Objects.equals(workflow, s.workflow)
                && Objects.equals(http, s.http);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, topic, after);
    }

    @Override
    public String toString() {
        String target = workflow != null
                ? "workflow " + workflow.name()
                : signal != null ? "signal " + signal : http != null ? http.method() + " " + http.url() : topic;
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

        Builder(String id) {
            this.id = id;
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

        public Builder onFailure(FailurePolicy policy) {
            this.onFailure = Objects.requireNonNull(policy);
            return this;
        }

        StepDefinition build() {
            return new StepDefinition(this);
        }
    }
}
