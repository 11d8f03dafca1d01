package dev.baton.worker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A command as read from a command topic (see {@code docs/protocol.md}, "Command").
 *
 * @param instanceId the workflow instance, never null
 * @param workflow the workflow name, may be null
 * @param stepId the step, never null
 * @param commandId unique per step attempt and kind, never null
 * @param kind {@code execute}, {@code compensate}, or an unknown value to be reported as failed
 * @param attempt the orchestrator's attempt number, 1 or more
 * @param callbackTopic where the outcome goes, never null
 * @param input the step's input; a {@code NullNode} if absent, never null
 * @param traceparent the W3C {@code traceparent} header of the command record, may be null
 * @param tracestate the W3C {@code tracestate} header of the command record, may be null
 */
public record Command(
        String instanceId,
        String workflow,
        String stepId,
        String commandId,
        String kind,
        int attempt,
        String callbackTopic,
        JsonNode input,
        String traceparent,
        String tracestate) {

    /** The {@code kind} of a command that does a step's work. */
    public static final String EXECUTE = "execute";
    /** The {@code kind} of a command that compensates a step's work. */
    public static final String COMPENSATE = "compensate";

    /**
     * Checks the fields that are never null.
     *
     * @param instanceId see the record description
     * @param workflow see the record description
     * @param stepId see the record description
     * @param commandId see the record description
     * @param kind see the record description
     * @param attempt see the record description
     * @param callbackTopic see the record description
     * @param input see the record description
     * @param traceparent see the record description
     * @param tracestate see the record description
     */
    public Command {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(callbackTopic, "callbackTopic");
        Objects.requireNonNull(input, "input");
    }

    /**
     * Whether this command asks to do the step's work.
     *
     * @return {@code kind == "execute"}
     */
    public boolean isExecute() {
        return EXECUTE.equals(kind);
    }

    /**
     * Whether this command asks to compensate the step's work.
     *
     * @return {@code kind == "compensate"}
     */
    public boolean isCompensate() {
        return COMPENSATE.equals(kind);
    }
}
