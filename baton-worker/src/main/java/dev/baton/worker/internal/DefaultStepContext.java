package dev.baton.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.StepContext;

/**
 * The {@link StepContext} of one try of a command. Public for the test kit
 * ({@code baton-worker-testkit}), whose contexts convert inputs exactly as a worker does.
 */
public final class DefaultStepContext implements StepContext {

    /** The error type of an input that {@link #inputAs(Class)} cannot convert. */
    public static final String INVALID_INPUT = "InvalidInput";

    private final Command command;
    private final int tryNumber;
    private final ObjectMapper mapper;

    /**
     * Creates the context of one try.
     *
     * @param command the command being handled
     * @param tryNumber the worker's try, 1 or more
     * @param mapper the mapper {@link #inputAs(Class)} converts with
     */
    public DefaultStepContext(Command command, int tryNumber, ObjectMapper mapper) {
        this.command = command;
        this.tryNumber = tryNumber;
        this.mapper = mapper;
    }

    @Override
    public String instanceId() {
        return command.instanceId();
    }

    @Override
    public String stepId() {
        return command.stepId();
    }

    @Override
    public String commandId() {
        return command.commandId();
    }

    @Override
    public String workflow() {
        return command.workflow();
    }

    @Override
    public int attempt() {
        return command.attempt();
    }

    @Override
    public int tryNumber() {
        return tryNumber;
    }

    @Override
    public JsonNode input() {
        return command.input();
    }

    @Override
    public <T> T inputAs(Class<T> type) {
        JsonNode input = command.input();
        if (input.isNull() || input.isMissingNode()) {
            return null;
        }
        try {
            return mapper.treeToValue(input, type);
        } catch (JsonProcessingException e) {
            throw NonRetryableException.ofType(
                    INVALID_INPUT, "the input does not fit " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw NonRetryableException.ofType(
                    INVALID_INPUT, "the input does not fit " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StepContext{commandId=" + command.commandId() + ", tryNumber=" + tryNumber + '}';
    }
}
