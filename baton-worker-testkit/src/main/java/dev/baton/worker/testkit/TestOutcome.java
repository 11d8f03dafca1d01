package dev.baton.worker.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.internal.Outcome;
import java.time.Duration;
import java.util.List;

/**
 * The one absolute outcome a worker would publish for a command, as a {@link TestWorker} decided
 * it, plus what happened on the way there: the backoffs the retries waited (not really slept) and
 * what each failed try threw. Immutable.
 *
 * <pre>{@code
 * TestOutcome outcome = worker.run(ctx);
 * assertThat(outcome.status()).isEqualTo(TestOutcome.Status.FAILED);
 * assertThat(outcome.errorType()).isEqualTo("MailboxRejected");
 * assertThat(outcome.attempts()).isEqualTo(3);                  // the outcome's "attempts": tries
 * assertThat(outcome.backoffs()).containsExactly(ofSeconds(1), ofSeconds(2));
 * assertThat(outcome.json().toString()).contains("\"status\":\"FAILED\"");   // the record value
 * }</pre>
 */
public final class TestOutcome {

    /**
     * The two absolute outcomes of a command, as in the protocol's {@code status} field.
     *
     * <pre>{@code
     * if (outcome.status() == TestOutcome.Status.SUCCEEDED) { ... }
     * }</pre>
     */
    public enum Status {
        /** The handler returned: the step's work (or its compensation) is done. */
        SUCCEEDED,
        /** The worker gave up: a failure not to be retried, or the last try failed. */
        FAILED
    }

    private final Outcome outcome;
    private final JsonNode json;
    private final List<Duration> backoffs;
    private final List<Throwable> failures;
    private final ObjectMapper mapper;

    TestOutcome(Outcome outcome, List<Duration> backoffs, List<Throwable> failures, ObjectMapper mapper) {
        this.outcome = outcome;
        this.json = outcome.toJson(mapper);
        this.backoffs = List.copyOf(backoffs);
        this.failures = List.copyOf(failures);
        this.mapper = mapper;
    }

    /**
     * Whether the command succeeded or failed.
     *
     * @return the status
     */
    public Status status() {
        return outcome.status() == Outcome.Status.SUCCEEDED ? Status.SUCCEEDED : Status.FAILED;
    }

    /**
     * Whether the status is {@link Status#SUCCEEDED}.
     *
     * @return true on success
     */
    public boolean isSucceeded() {
        return status() == Status.SUCCEEDED;
    }

    /**
     * Whether the status is {@link Status#FAILED}.
     *
     * @return true on failure
     */
    public boolean isFailed() {
        return status() == Status.FAILED;
    }

    /**
     * The step's output: what the handler returned, as JSON.
     *
     * @return the output, or {@code null} on failure or if the handler returned {@code null}
     */
    public JsonNode output() {
        return outcome.output();
    }

    /**
     * The output converted to {@code type} with the worker's mapper.
     *
     * @param type the class to convert to
     * @param <T> the target type
     * @return the converted output, or {@code null} if there is none
     * @throws IllegalArgumentException if the output does not fit {@code type}
     */
    public <T> T outputAs(Class<T> type) {
        JsonNode output = outcome.output();
        if (output == null) {
            return null;
        }
        try {
            return mapper.treeToValue(output, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the output does not fit " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The outcome's {@code error.type}: a {@code NonRetryableException}'s type, else the simple
     * class name of what the last try threw, or one of the SDK's own types such as
     * {@code "NoCompensationHandler"}.
     *
     * @return the error type, or {@code null} on success
     */
    public String errorType() {
        return outcome.errorType();
    }

    /**
     * The outcome's {@code error.message}.
     *
     * @return the message, or {@code null} on success
     */
    public String errorMessage() {
        return outcome.errorMessage();
    }

    /**
     * The outcome's {@code attempts} field: how many tries the worker made for this command (its
     * retries included). 0 if no handler ran, e.g. a compensate command without a compensation
     * handler.
     *
     * @return 0 or more
     */
    public int attempts() {
        return outcome.attempts();
    }

    /**
     * The waits before each retry, in order, as the {@code RetryPolicy} computed them (jitter from
     * the {@link TestWorker}'s source). Nothing actually slept.
     *
     * @return one duration per retry; empty if the first try decided the outcome
     */
    public List<Duration> backoffs() {
        return backoffs;
    }

    /**
     * What each failed try threw, in order. On a success after retries these are the retried
     * failures; on a failure the last one is what the outcome reports.
     *
     * @return the exceptions, empty if no try failed
     */
    public List<Throwable> failures() {
        return failures;
    }

    /**
     * The command id the outcome answers.
     *
     * @return the command id
     */
    public String commandId() {
        return outcome.commandId();
    }

    /**
     * The outcome as the JSON record value the worker would publish to the callback topic (see
     * {@code docs/protocol.md}, "Outcome").
     *
     * @return the JSON object; do not modify it
     */
    public JsonNode json() {
        return json;
    }

    /**
     * The outcome's JSON.
     *
     * @return e.g. {@code {"commandId":"i-1/charge/1",...,"status":"SUCCEEDED","attempts":1}}
     */
    @Override
    public String toString() {
        return json.toString();
    }
}
