package dev.baton.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.HttpStep;
import dev.baton.engine.Outbound.HttpCall;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP step's call, as the orchestrator writes it to its internal HTTP topic for its HTTP executor:
 * {@code {"instanceId", "workflow", "stepId", "commandId", "attempt", "idempotencyKey", "method", "url", "headers",
 * "timeoutMs", "retryOn", "body", "callbackTopic"}}. Everything the call needs travels with it, so the executor needs
 * no definitions.
 */
public record HttpCallMessage(
        String instanceId,
        String workflow,
        String stepId,
        String commandId,
        int attempt,
        String idempotencyKey,
        String method,
        String url,
        Map<String, String> headers,
        Duration timeout,
        Set<Integer> retryOn,
        Object body,
        String callbackTopic) {

    public static byte[] toJson(HttpCall call, String callbackTopic) {
        var m = new LinkedHashMap<String, Object>();
        m.put("instanceId", call.instanceId());
        m.put("workflow", call.workflow());
        m.put("stepId", call.stepId());
        m.put("commandId", call.commandId());
        m.put("attempt", call.attempt());
        m.put("idempotencyKey", call.idempotencyKey());
        m.put("method", call.http().method());
        m.put("url", call.url());
        m.put("headers", call.http().headers());
        m.put("timeoutMs", call.http().timeout().toMillis());
        m.put("retryOn", call.http().retry().retryOnSorted());
        m.put("body", call.body());
        m.put("callbackTopic", callbackTopic);
        return Writing.bytes(m);
    }

    /** Parses a record value; throws {@link MalformedMessageException} with the reason. */
    public static HttpCallMessage parse(byte[] json) {
        Fields f = Fields.parse("HTTP call", json);
        var headers = new LinkedHashMap<String, String>();
        JsonNode h = f.node("headers");
        if (h != null && h.isObject()) {
            h.fields()
                    .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        }
        var retryOn = new LinkedHashSet<Integer>();
        JsonNode r = f.node("retryOn");
        if (r != null && r.isArray()) {
            r.forEach(code -> retryOn.add(code.asInt()));
        }
        JsonNode timeout = f.node("timeoutMs");
        if (timeout == null || !timeout.canConvertToLong() || timeout.asLong() < 1) {
            throw f.error("field 'timeoutMs' must be a positive whole number");
        }
        Integer attempt = f.optionalInt("attempt");
        return new HttpCallMessage(
                f.requiredText("instanceId"),
                f.optionalText("workflow"),
                f.requiredText("stepId"),
                f.requiredText("commandId"),
                attempt == null ? 1 : attempt,
                f.requiredText("idempotencyKey"),
                f.requiredText("method"),
                f.requiredText("url"),
                headers,
                Duration.ofMillis(timeout.asLong()),
                retryOn,
                f.value("body"),
                f.requiredText("callbackTopic"));
    }

    /** Whether the call carries the body (POST, PUT, PATCH). */
    public boolean sendsBody() {
        return HttpStep.sendsBody(method);
    }

    /** The body as JSON bytes ({@code null} is sent as {@code null}). */
    public byte[] bodyJson() {
        return Writing.bytes(body);
    }
}
