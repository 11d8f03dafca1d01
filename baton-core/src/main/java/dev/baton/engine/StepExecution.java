package dev.baton.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of one instance: its state, its current attempt's command and outcome, and its compensation. Immutable;
 * change it through {@link #toBuilder()}.
 */
public final class StepExecution {
    private final String stepId;
    private final StepState state;
    private final int attempt;
    private final String commandId;
    private final Object input;
    private final Object output;
    private final Failure error;
    private final int workerAttempts;
    private final Instant startedAt;
    private final Instant finishedAt;
    private final int completionOrder;
    private final int compensationAttempt;
    private final String compensationCommandId;
    private final Instant compensationStartedAt;
    private final Instant compensationFinishedAt;
    private final Failure compensationError;
    private final Object inputOverride;
    private final int round;
    private final Instant dueAt;
    private final FanOut fanOut;

    private StepExecution(Builder b) {
        this.stepId = Objects.requireNonNull(b.stepId);
        this.state = Objects.requireNonNull(b.state);
        this.attempt = b.attempt;
        this.commandId = b.commandId;
        this.input = b.input;
        this.output = b.output;
        this.error = b.error;
        this.workerAttempts = b.workerAttempts;
        this.startedAt = b.startedAt;
        this.finishedAt = b.finishedAt;
        this.completionOrder = b.completionOrder;
        this.compensationAttempt = b.compensationAttempt;
        this.compensationCommandId = b.compensationCommandId;
        this.compensationStartedAt = b.compensationStartedAt;
        this.compensationFinishedAt = b.compensationFinishedAt;
        this.compensationError = b.compensationError;
        this.inputOverride = b.inputOverride;
        this.round = b.round;
        this.dueAt = b.dueAt;
        this.fanOut = b.fanOut;
    }

    /** A step that has not started yet. */
    public static StepExecution pending(String stepId) {
        return builder(stepId).build();
    }

    public static Builder builder(String stepId) {
        return new Builder(stepId);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same execution under another step id: a migration's rename of a step whose work is done. */
    public StepExecution withStepId(String newId) {
        return new Builder(newId, this).build();
    }

    public String stepId() {
        return stepId;
    }

    public StepState state() {
        return state;
    }

    /** 0 before the first start; each operator retry adds one. */
    public int attempt() {
        return attempt;
    }

    /** The current attempt's command id; outcomes carrying any other id are stale or unknown. */
    public String commandId() {
        return commandId;
    }

    /**
     * The input an operator gave when rerunning the step: its next attempt is sent this instead of its mapped input;
     * {@code null} otherwise.
     */
    public Object inputOverride() {
        return inputOverride;
    }

    /**
     * The round a repeating step is in: 1 for its first round in this run, 2 for the next, ...; 0 for a step that
     * does not repeat (or has not started).
     */
    public int round() {
        return round;
    }

    /**
     * While the step is running but waits for a time rather than for an outcome: when a sleep wakes up, or when a
     * repeating step's next round goes out; {@code null} otherwise.
     */
    public Instant dueAt() {
        return dueAt;
    }

    /** The mapped input sent with the command; {@code null} when the step received the request's input. */
    public Object input() {
        return input;
    }

    public Object output() {
        return output;
    }

    public Failure error() {
        return error;
    }

    /**
     * The tries behind the current attempt: for a worker's step, how often the worker ran its handler (its own
     * retries, as its outcome reports them); for an HTTP step, the calls made so far in this run.
     */
    public int workerAttempts() {
        return workerAttempts;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** 1 for the first step of the instance to succeed, 2 for the next, ...; 0 if it has not succeeded. */
    public int completionOrder() {
        return completionOrder;
    }

    public int compensationAttempt() {
        return compensationAttempt;
    }

    public String compensationCommandId() {
        return compensationCommandId;
    }

    public Instant compensationStartedAt() {
        return compensationStartedAt;
    }

    public Instant compensationFinishedAt() {
        return compensationFinishedAt;
    }

    public Failure compensationError() {
        return compensationError;
    }

    /** The progress of a forEach step's items in its current attempt; {@code null} for any other step. */
    public FanOut fanOut() {
        return fanOut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepExecution s
                && stepId.equals(s.stepId)
                && state == s.state
                && attempt == s.attempt
                && Objects.equals(commandId, s.commandId)
                && Objects.equals(input, s.input)
                && Objects.equals(output, s.output)
                && Objects.equals(error, s.error)
                && workerAttempts == s.workerAttempts
                && Objects.equals(startedAt, s.startedAt)
                && Objects.equals(finishedAt, s.finishedAt)
                && completionOrder == s.completionOrder
                && compensationAttempt == s.compensationAttempt
                && Objects.equals(compensationCommandId, s.compensationCommandId)
                && Objects.equals(compensationStartedAt, s.compensationStartedAt)
                && Objects.equals(compensationFinishedAt, s.compensationFinishedAt)
                && Objects.equals(compensationError, s.compensationError)
                && Objects.equals(inputOverride, s.inputOverride)
                && round == s.round
                && Objects.equals(dueAt, s.dueAt)
                && Objects.equals(fanOut, s.fanOut);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stepId, state, attempt, commandId);
    }

    @Override
    public String toString() {
        return stepId + ":" + state + (attempt > 1 ? "#" + attempt : "");
    }

    /** Mutable builder; every field defaults to empty/zero and the state to {@link StepState#PENDING}. */
    public static final class Builder {
        private final String stepId;
        private StepState state = StepState.PENDING;
        private int attempt;
        private String commandId;
        private Object input;
        private Object output;
        private Failure error;
        private int workerAttempts;
        private Instant startedAt;
        private Instant finishedAt;
        private int completionOrder;
        private int compensationAttempt;
        private String compensationCommandId;
        private Instant compensationStartedAt;
        private Instant compensationFinishedAt;
        private Failure compensationError;
        private Object inputOverride;
        private int round;
        private Instant dueAt;
        private FanOut fanOut;

        private Builder(String stepId) {
            this.stepId = stepId;
        }

        private Builder(StepExecution s) {
            this(s.stepId, s);
        }

        private Builder(String stepId, StepExecution s) {
            this.stepId = stepId;
            this.state = s.state;
            this.attempt = s.attempt;
            this.commandId = s.commandId;
            this.input = s.input;
            this.output = s.output;
            this.error = s.error;
            this.workerAttempts = s.workerAttempts;
            this.startedAt = s.startedAt;
            this.finishedAt = s.finishedAt;
            this.completionOrder = s.completionOrder;
            this.compensationAttempt = s.compensationAttempt;
            this.compensationCommandId = s.compensationCommandId;
            this.compensationStartedAt = s.compensationStartedAt;
            this.compensationFinishedAt = s.compensationFinishedAt;
            this.compensationError = s.compensationError;
            this.inputOverride = s.inputOverride;
            this.round = s.round;
            this.dueAt = s.dueAt;
            this.fanOut = s.fanOut;
        }

        public Builder state(StepState v) {
            this.state = v;
            return this;
        }

        public Builder attempt(int v) {
            this.attempt = v;
            return this;
        }

        public Builder commandId(String v) {
            this.commandId = v;
            return this;
        }

        public Builder input(Object v) {
            this.input = v;
            return this;
        }

        public Builder output(Object v) {
            this.output = v;
            return this;
        }

        public Builder error(Failure v) {
            this.error = v;
            return this;
        }

        public Builder workerAttempts(int v) {
            this.workerAttempts = v;
            return this;
        }

        public Builder startedAt(Instant v) {
            this.startedAt = v;
            return this;
        }

        public Builder finishedAt(Instant v) {
            this.finishedAt = v;
            return this;
        }

        public Builder completionOrder(int v) {
            this.completionOrder = v;
            return this;
        }

        public Builder compensationAttempt(int v) {
            this.compensationAttempt = v;
            return this;
        }

        public Builder compensationCommandId(String v) {
            this.compensationCommandId = v;
            return this;
        }

        public Builder compensationStartedAt(Instant v) {
            this.compensationStartedAt = v;
            return this;
        }

        public Builder compensationFinishedAt(Instant v) {
            this.compensationFinishedAt = v;
            return this;
        }

        public Builder compensationError(Failure v) {
            this.compensationError = v;
            return this;
        }

        public Builder inputOverride(Object v) {
            this.inputOverride = v;
            return this;
        }

        public Builder round(int v) {
            this.round = v;
            return this;
        }

        public Builder dueAt(Instant v) {
            this.dueAt = v;
            return this;
        }

        public Builder fanOut(FanOut v) {
            this.fanOut = v;
            return this;
        }

        public StepExecution build() {
            return new StepExecution(this);
        }
    }
}
