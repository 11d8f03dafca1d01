package dev.baton.protocol;

import dev.baton.engine.Failure;
import dev.baton.engine.Outbound.WorkflowResult;
import dev.baton.engine.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of an instance's result, as docs/protocol.md shows it; also parsed by clients and tests. */
public record ResultMessage(
        String instanceId,
        String workflow,
        int version,
        Outcome status,
        Object output,
        Map<String, Object> error,
        List<String> compensated) {

    public static byte[] toJson(WorkflowResult result) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", result.instanceId());
        m.put("workflow", result.workflow());
        m.put("version", result.version());
        m.put("status", result.outcome().name());
        if (result.outcome() == Outcome.SUCCEEDED) {
            m.put("output", result.output());
        } else {
            m.put("error", failure(result.error()));
        }
        m.put("compensated", result.compensated());
        return Writing.bytes(m);
    }

    static Map<String, Object> failure(Failure f) {
        var e = new LinkedHashMap<String, Object>();
        if (f != null) {
            if (f.stepId() != null) {
                e.put("stepId", f.stepId());
            }
            e.put("type", f.type());
            e.put("message", f.message());
        }
        return e;
    }

    @SuppressWarnings("unchecked")
    public static ResultMessage parse(byte[] json) {
        Fields f = Fields.parse("result", json);
        Integer version = f.optionalInt("version");
        Object error = f.value("error");
        Object compensated = f.value("compensated");
        return new ResultMessage(
                f.requiredText("instanceId"),
                f.requiredText("workflow"),
                version == null ? 0 : version,
                Outcome.valueOf(f.requiredText("status")),
                f.value("output"),
                error instanceof Map<?, ?> map ? (Map<String, Object>) map : null,
                compensated instanceof List<?> list ? new ArrayList<>((List<String>) list) : List.of());
    }
}
