package dev.baton.protocol;

import dev.baton.engine.Outbound.StepCommand;
import java.util.LinkedHashMap;
import java.util.Locale;

/** The JSON of a command to a worker, as docs/protocol.md shows it. */
public final class CommandMessage {
    /** Where workers send outcomes unless the orchestrator is configured otherwise. */
    public static final String DEFAULT_CALLBACK_TOPIC = "baton.callbacks";

    private CommandMessage() {}

    public static byte[] toJson(StepCommand command, String callbackTopic) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", command.instanceId());
        m.put("workflow", command.workflow());
        m.put("stepId", command.stepId());
        m.put("commandId", command.commandId());
        m.put("kind", command.kind().name().toLowerCase(Locale.ROOT));
        m.put("attempt", command.attempt());
        m.put("callbackTopic", callbackTopic);
        m.put("input", command.input());
        return Writing.bytes(m);
    }
}
