package dev.baton.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a {@link StepHandler} knows about the command it is handling. Instances are immutable and
 * only valid for the duration of one {@link StepHandler#handle(StepContext)} call.
 */
public interface StepContext {

    /**
     * The workflow instance the command belongs to (the record key of commands and outcomes).
     *
     * @return the instance id, never {@code null}
     */
    String instanceId();

    /**
     * The id of the step within the workflow definition, e.g. {@code "charge"}.
     *
     * @return the step id, never {@code null}
     */
    String stepId();

    /**
     * The unique id of this command (one per step attempt and kind). The same command delivered
     * twice has the same id, which makes it a good idempotency key for side effects.
     *
     * @return the command id, never {@code null}
     */
    String commandId();

    /**
     * The name of the workflow the instance runs.
     *
     * @return the workflow name, or {@code null} if the command did not carry one
     */
    String workflow();

    /**
     * The orchestrator's attempt number for this step: 1 for the first execution, incremented
     * each time an operator retries the step. Not to be confused with {@link #tryNumber()}: an
     * attempt is one command, tries are the worker's own retries of it ({@code docs/glossary.md}).
     *
     * @return the attempt, 1 or more
     */
    int attempt();

    /**
     * The worker's own try number for this command: 1 for the first call of the handler, 2 for
     * the first retry under the {@link RetryPolicy}, and so on. The last one is the outcome's
     * {@code attempts} field.
     *
     * @return the try number, 1 or more
     */
    int tryNumber();

    /**
     * The command's input as JSON. For an {@code execute} command this is the step's input; for
     * a {@code compensate} command it is an object {@code {"input": ..., "output": ...}} holding
     * the execute command's input and the output the worker returned for it.
     *
     * @return the input; a {@code NullNode} if the command carried none, never {@code null}
     */
    JsonNode input();

    /**
     * The command's input converted to {@code type} with the worker's
     * {@link WorkerOptions#objectMapper() ObjectMapper} (unknown properties are ignored by
     * default).
     *
     * @param type the class to convert the input to
     * @param <T> the target type
     * @return the converted input, or {@code null} if the input is JSON {@code null} or absent
     * @throws NonRetryableException of type {@code "InvalidInput"} if the input does not fit
     *     {@code type}: retrying cannot change the input, so the command fails at once
     */
    <T> T inputAs(Class<T> type);
}
