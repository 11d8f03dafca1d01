package dev.baton.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.worker.NonRetryableException;
import java.util.Objects;

/**
 * The one absolute outcome of a command (see {@code docs/protocol.md}, "Outcome").
 *
 * @param commandId copied from the command
 * @param instanceId copied from the command
 * @param stepId copied from the command
 * @param status {@code SUCCEEDED} or {@code FAILED}
 * @param output the output on success; null for none
 * @param errorType the error type on failure, else null
 * @param errorMessage the error message on failure, else null
 * @param attempts the number of tries the worker made (0 if the handler never ran)
 */
public record Outcome(
        String commandId,
        String instanceId,
        String stepId,
        Status status,
        JsonNode output,
        String errorType,
        String errorMessage,
        int attempts) {

    /** Longest error message written, in characters; longer ones are cut. */
    static final int MAX_MESSAGE_LENGTH = 8_192;

    /** The two absolute outcomes. */
    public enum Status {
        /** The step's work was done (or compensated, for a compensate command). */
        SUCCEEDED,
        /** The worker gave up. */
        FAILED
    }

    /**
     * Checks the invariants.
     *
     * @param commandId see the record description
     * @param instanceId see the record description
     * @param stepId see the record description
     * @param status see the record description
     * @param output see the record description
     * @param errorType see the record description
     * @param errorMessage see the record description
     * @param attempts see the record description
     */
    public Outcome {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
        if (status == Status.FAILED) {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(errorMessage, "errorMessage");
        }
    }

    /**
     * A success.
     *
     * @param command the command answered
     * @param output the output, or null (a JSON null counts as none)
     * @param attempts tries made
     * @return the outcome
     */
    public static Outcome succeeded(Command command, JsonNode output, int attempts) {
        JsonNode out = output == null || output.isNull() || output.isMissingNode() ? null : output;
        return new Outcome(
                command.commandId(),
                command.instanceId(),
                command.stepId(),
                Status.SUCCEEDED,
                out,
                null,
                null,
                attempts);
    }

    /**
     * A failure with an explicit type and message.
     *
     * @param command the command answered
     * @param type the error type
     * @param message the error message (cut to 8192 characters)
     * @param attempts tries made
     * @return the outcome
     */
    public static Outcome failed(Command command, String type, String message, int attempts) {
        return new Outcome(
                command.commandId(),
                command.instanceId(),
                command.stepId(),
                Status.FAILED,
                null,
                type,
                truncate(message),
                attempts);
    }

    /**
     * A failure described by what the handler threw: the type is
     * {@link NonRetryableException#errorType()} or the exception's simple class name, the message
     * its message (or its class name if it has none).
     *
     * @param command the command answered
     * @param failure what the handler threw
     * @param attempts tries made
     * @return the outcome
     */
    public static Outcome failed(Command command, Throwable failure, int attempts) {
        return failed(command, errorType(failure), errorMessage(failure), attempts);
    }

    /**
     * The error type reported for an exception.
     *
     * @param failure the exception
     * @return {@link NonRetryableException#errorType()}, else the simple class name (the full
     *     name for anonymous classes)
     */
    public static String errorType(Throwable failure) {
        if (failure instanceof NonRetryableException nre) {
            return nre.errorType();
        }
        String simple = failure.getClass().getSimpleName();
        return simple.isEmpty() ? failure.getClass().getName() : simple;
    }

    private static String errorMessage(Throwable failure) {
        String message = failure.getMessage();
        return message != null ? message : failure.getClass().getName();
    }

    private static String truncate(String message) {
        String m = message == null ? "" : message;
        return m.length() <= MAX_MESSAGE_LENGTH ? m : m.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
    }

    /**
     * The outcome as the protocol's JSON object, fields in the documented order:
     * {@code commandId, instanceId, stepId, status, output | error, attempts}.
     *
     * @param mapper the mapper providing the node factory
     * @return a new JSON object
     */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        node.put("commandId", commandId);
        node.put("instanceId", instanceId);
        node.put("stepId", stepId);
        node.put("status", status.name());
        if (status == Status.SUCCEEDED) {
            if (output != null) {
                node.set("output", output);
            }
        } else {
            ObjectNode error = node.putObject("error");
            error.put("type", errorType);
            error.put("message", errorMessage);
        }
        node.put("attempts", attempts);
        return node;
    }
}
