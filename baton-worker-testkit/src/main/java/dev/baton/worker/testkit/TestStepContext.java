package dev.baton.worker.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.worker.StepContext;
import dev.baton.worker.StepHandler;
import dev.baton.worker.WorkerOptions;
import dev.baton.worker.internal.Command;
import dev.baton.worker.internal.CommandParser;
import dev.baton.worker.internal.DefaultStepContext;
import java.util.Objects;

/**
 * A command as a {@link StepHandler} sees it, built by a test: call a handler with it directly, or
 * give it to a {@link TestWorker} to see the outcome a worker would publish, retries included.
 * Immutable and thread-safe.
 *
 * <p>{@link #inputAs(Class)} converts exactly as a running worker does, with the same default
 * {@code ObjectMapper} (or the one given to {@link Builder#objectMapper(ObjectMapper)}): unknown
 * properties are ignored and an input that does not fit fails with a {@code NonRetryableException}
 * of type {@code "InvalidInput"}.
 *
 * <p>Defaults: instance id {@code "instance-1"}, step id {@code "step-1"}, workflow {@code null}
 * (a command need not name it), attempt 1, try number 1, input JSON {@code null}, kind
 * {@code execute}, command id {@code <instanceId>/<stepId>/<attempt>} (and
 * {@code <instanceId>/<stepId>/<attempt>/compensate/1} for a compensate command), as the
 * orchestrator numbers them.
 *
 * <pre>{@code
 * TestStepContext ctx = TestStepContext.newBuilder()
 *     .instanceId("order-7")
 *     .stepId("charge")
 *     .inputJson("{\"orderId\": \"o-7\", \"amount\": 25}")
 *     .build();
 * Object output = chargeHandler.handle(ctx);      // one try, called directly
 *
 * TestStepContext refund = TestStepContext.newBuilder()
 *     .stepId("charge")
 *     .compensation(Map.of("orderId", "o-7"), Map.of("paymentId", "p-1"))
 *     .build();                                 // input {"input": {...}, "output": {...}}
 * }</pre>
 */
public final class TestStepContext implements StepContext {

    // why: the SDK's own defaults, taken from WorkerOptions rather than copied, so a kit test converts
    // inputs with the mapper a worker built with default options uses.
    static final WorkerOptions DEFAULT_OPTIONS = WorkerOptions.newBuilder()
            .bootstrapServers("test-kit.invalid:9092")
            .commandTopic("test-kit.commands")
            .build();

    private final Command command;
    private final int tryNumber;
    private final ObjectMapper mapper;
    private final DefaultStepContext delegate;

    private TestStepContext(Command command, int tryNumber, ObjectMapper mapper) {
        this.command = command;
        this.tryNumber = tryNumber;
        this.mapper = mapper;
        this.delegate = new DefaultStepContext(command, tryNumber, mapper);
    }

    /**
     * Starts a builder with the defaults described on this class.
     *
     * @return a new builder
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * A context with every default and the given input, e.g. {@code ofInput(Map.of("amount", 25))}.
     *
     * @param input the input: a {@code JsonNode} used as is, or any value the mapper can turn into
     *     JSON; {@code null} for JSON {@code null}
     * @return the context
     */
    public static TestStepContext ofInput(Object input) {
        return newBuilder().input(input).build();
    }

    /**
     * The same command at another try, as the worker's retries would pass it, e.g.
     * {@code ctx.withTryNumber(2)} to test a handler that behaves differently on a retry.
     *
     * @param tryNumber 1 or more
     * @return a copy with that try number
     */
    public TestStepContext withTryNumber(int tryNumber) {
        return new TestStepContext(command, Builder.requirePositive(tryNumber, "tryNumber"), mapper);
    }

    /**
     * Whether this is a {@code compensate} command (built with {@link Builder#compensation}).
     *
     * @return true for a compensate command, false for an execute command
     */
    public boolean isCompensation() {
        return command.isCompensate();
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
        return delegate.inputAs(type);
    }

    /** The command as the SDK's parser would have produced it from a record. */
    Command command() {
        return command;
    }

    /** The mapper inputs and outputs are converted with. */
    ObjectMapper mapper() {
        return mapper;
    }

    /**
     * A readable summary.
     *
     * @return e.g. {@code TestStepContext{commandId=order-7/charge/1, kind=execute, tryNumber=1}}
     */
    @Override
    public String toString() {
        return "TestStepContext{commandId=" + command.commandId() + ", kind=" + command.kind() + ", tryNumber="
                + tryNumber + ", input=" + command.input() + '}';
    }

    /**
     * Builds a {@link TestStepContext}; not thread-safe. Setters check their argument at once.
     *
     * <pre>{@code
     * TestStepContext ctx = TestStepContext.newBuilder()
     *     .instanceId("order-7").stepId("charge").attempt(2)   // an operator's retry
     *     .input(new Order("o-7", 25))
     *     .build();
     * }</pre>
     */
    public static final class Builder {

        private String instanceId = "instance-1";
        private String stepId = "step-1";
        private String commandId;
        private String workflow;
        private int attempt = 1;
        private int tryNumber = 1;
        private Object input;
        private String inputJson;
        private boolean compensation;
        private Object executeInput;
        private Object executeOutput;
        private ObjectMapper mapper = DEFAULT_OPTIONS.objectMapper();

        private Builder() {}

        /**
         * The workflow instance (the record key of commands and outcomes). Default
         * {@code "instance-1"}.
         *
         * @param instanceId not blank
         * @return this builder
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = requireNonBlank(instanceId, "instanceId");
            return this;
        }

        /**
         * The step's id in the workflow definition. Default {@code "step-1"}.
         *
         * @param stepId not blank
         * @return this builder
         */
        public Builder stepId(String stepId) {
            this.stepId = requireNonBlank(stepId, "stepId");
            return this;
        }

        /**
         * The command id. Default: derived from instance, step and attempt as the orchestrator
         * derives it (see the class description).
         *
         * @param commandId not blank
         * @return this builder
         */
        public Builder commandId(String commandId) {
            this.commandId = requireNonBlank(commandId, "commandId");
            return this;
        }

        /**
         * The workflow's name. Default {@code null}, as in a command that does not name it.
         *
         * @param workflow the name, or {@code null}
         * @return this builder
         */
        public Builder workflow(String workflow) {
            this.workflow = workflow;
            return this;
        }

        /**
         * The orchestrator's attempt: 1 for the step's first command, more after an operator's
         * retry or an HTTP step's next call. Default 1.
         *
         * @param attempt 1 or more
         * @return this builder
         */
        public Builder attempt(int attempt) {
            this.attempt = requirePositive(attempt, "attempt");
            return this;
        }

        /**
         * The worker's try for this command, as {@link StepContext#tryNumber()} reports it. Only
         * for direct handler calls: a {@link TestWorker} counts the tries itself. Default 1.
         *
         * @param tryNumber 1 or more
         * @return this builder
         */
        public Builder tryNumber(int tryNumber) {
            this.tryNumber = requirePositive(tryNumber, "tryNumber");
            return this;
        }

        /**
         * The input of an execute command: a {@code JsonNode} used as is, or any value the
         * mapper turns into JSON (a record, a {@code Map}, a {@code String} as a JSON string).
         * Replaces an earlier {@link #inputJson(String)}. Default JSON {@code null}.
         *
         * @param input the input, or {@code null}
         * @return this builder
         */
        public Builder input(Object input) {
            this.input = input;
            this.inputJson = null;
            return this;
        }

        /**
         * The input of an execute command as JSON text, e.g. {@code "{\"amount\": 25}"}; checked
         * by {@link #build()}. Replaces an earlier {@link #input(Object)}.
         *
         * @param inputJson JSON text
         * @return this builder
         */
        public Builder inputJson(String inputJson) {
            this.inputJson = Objects.requireNonNull(inputJson, "inputJson");
            this.input = null;
            return this;
        }

        /**
         * Makes this a {@code compensate} command, whose input is
         * {@code {"input": executeInput, "output": executeOutput}} as the orchestrator sends it.
         * Either value may be a {@code JsonNode}, any value the mapper turns into JSON, or
         * {@code null} (no output). Replaces {@link #input(Object)} and {@link #inputJson(String)}.
         *
         * @param executeInput the input of the execute command being compensated
         * @param executeOutput the output the worker returned for it
         * @return this builder
         */
        public Builder compensation(Object executeInput, Object executeOutput) {
            this.compensation = true;
            this.executeInput = executeInput;
            this.executeOutput = executeOutput;
            return this;
        }

        /**
         * The mapper for {@link StepContext#inputAs(Class)} and for turning {@link #input(Object)}
         * into JSON; pass the one your {@code WorkerOptions} use. Default: the SDK's default
         * mapper.
         *
         * @param mapper the mapper
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Builds the context.
         *
         * @return an immutable context
         * @throws IllegalArgumentException if {@link #inputJson(String)} is not valid JSON
         */
        public TestStepContext build() {
            String kind = compensation ? Command.COMPENSATE : Command.EXECUTE;
            String executeId = instanceId + "/" + stepId + "/" + attempt;
            String id = commandId != null ? commandId : compensation ? executeId + "/compensate/1" : executeId;
            Command command = new Command(
                    instanceId,
                    workflow,
                    stepId,
                    id,
                    kind,
                    attempt,
                    CommandParser.DEFAULT_CALLBACK_TOPIC,
                    commandInput(),
                    null,
                    null);
            return new TestStepContext(command, tryNumber, mapper);
        }

        private JsonNode commandInput() {
            if (compensation) {
                ObjectNode pair = mapper.createObjectNode();
                pair.set("input", toJson(executeInput));
                pair.set("output", toJson(executeOutput));
                return pair;
            }
            if (inputJson != null) {
                try {
                    return mapper.readTree(inputJson);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("inputJson is not valid JSON: " + e.getOriginalMessage(), e);
                }
            }
            return toJson(input);
        }

        private JsonNode toJson(Object value) {
            if (value == null) {
                return NullNode.getInstance();
            }
            return value instanceof JsonNode node ? node : mapper.valueToTree(value);
        }

        private static String requireNonBlank(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        static int requirePositive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be 1 or more, was " + value);
            }
            return value;
        }
    }
}
