package dev.baton.engine;

import dev.baton.definition.EmitStep;
import dev.baton.engine.Outbound.Emit;
import dev.baton.engine.StepLifecycle.Cause;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Emit steps: a step with {@code emit} publishes one record and succeeds in the decision that starts it, so the
 * record and the state change that records it are written together. Its output is {@code {"topic", "key"}}, enough
 * for later steps to name what was published without copying the value into the state.
 */
final class Emits {
    private Emits() {}

    static void publish(DecisionDraft d, StepExecution step, EmitStep emit, Map<String, Object> data) {
        String key = keyOf(emit, data, d.instance.instanceId());
        if (key == null) {
            Outcomes.fail(
                    d,
                    step,
                    new Failure(
                            step.stepId(),
                            ErrorTypes.EMIT_KEY_MISSING,
                            "the emit key " + emit.key() + " found nothing, or an object or list: a record key is a "
                                    + "string or a number"),
                    0);
            return;
        }
        d.send(new Emit(
                d.instance.instanceId(),
                step.stepId(),
                emit.topic(),
                key,
                emit.value().apply(data),
                emit.typeOrDefault(),
                step.commandId()));
        var output = new LinkedHashMap<String, Object>();
        output.put("topic", emit.topic());
        output.put("key", key);
        Outcomes.succeed(d, step, Cause.PUBLISHED, output, 0);
    }

    private static String keyOf(EmitStep emit, Map<String, Object> data, String instanceId) {
        if (emit.key() == null) {
            return instanceId;
        }
        Object key = emit.key().apply(data);
        if (key instanceof String s && !s.isEmpty()) {
            return s;
        }
        if (key instanceof BigDecimal n) {
            return n.stripTrailingZeros().toPlainString();
        }
        if (key instanceof Number || key instanceof Boolean) {
            return key.toString();
        }
        return null;
    }
}
