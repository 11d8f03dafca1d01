package dev.baton.protocol;

import dev.baton.engine.Inbound.StartInstance;
import dev.baton.engine.ParentRef;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A start request from {@code baton.requests}: {@code {"workflow", "input", "version"?, "businessKey"?, "parent"?,
 * "startAt"?}}, keyed by the new instance's id. {@code parent} ({@code {"instanceId", "stepId", "commandId"}}) is set
 * when a workflow starts this one as a sub-workflow: the new instance reports its outcome to that step. {@code startAt}
 * (an ISO-8601 instant with an offset, e.g. {@code 2026-06-01T02:00:00Z}) delays the start: the instance is recorded
 * at once and its first steps start then. {@code deadline} (an ISO-8601 duration such as {@code PT2H}) gives this
 * instance its own deadline, counted from its start, instead of the workflow's {@code deadline.after}.
 */
public record StartRequest(
        String workflow,
        Integer version,
        Object input,
        String businessKey,
        ParentRef parent,
        Instant startAt,
        Duration deadline)
        implements RequestMessage {
    /** The longest deadline a request may give, as for a definition's durations. */
    public static final Duration MAX_DEADLINE = Duration.ofDays(3650);

    public StartRequest(
            String workflow, Integer version, Object input, String businessKey, ParentRef parent, Instant startAt) {
        this(workflow, version, input, businessKey, parent, startAt, null);
    }

    public StartRequest(String workflow, Integer version, Object input, String businessKey, ParentRef parent) {
        this(workflow, version, input, businessKey, parent, null, null);
    }

    public StartRequest(String workflow, Integer version, Object input, String businessKey) {
        this(workflow, version, input, businessKey, null, null, null);
    }

    /** Parses a record value; throws {@link MalformedMessageException} with the reason. */
    public static StartRequest parse(byte[] json) {
        return from(Fields.parse("start request", json));
    }

    static StartRequest from(Fields f) {
        String workflow = f.requiredText("workflow");
        Integer version = f.optionalInt("version");
        if (version != null && version < 1) {
            throw f.error("field 'version' must be 1 or more");
        }
        Object input = f.value("input");
        String startAt = f.optionalText("startAt");
        String deadline = f.optionalText("deadline");
        return new StartRequest(
                workflow,
                version,
                input == null ? Map.of() : input,
                f.optionalText("businessKey"),
                f.optionalParent(),
                startAt == null ? null : instant(f, startAt),
                deadline == null ? null : duration(f, deadline));
    }

    private static Duration duration(Fields f, String text) {
        Duration d = deadlineOf(text);
        if (d == null) {
            throw f.error("field 'deadline' must be a positive ISO-8601 duration of at most P3650D, e.g. PT2H; got '"
                    + text + "'");
        }
        return d;
    }

    /** A request's deadline from its text: positive and at most {@link #MAX_DEADLINE}; {@code null} otherwise. */
    public static Duration deadlineOf(String text) {
        try {
            Duration d = Duration.parse(text);
            return d.isNegative() || d.isZero() || d.compareTo(MAX_DEADLINE) > 0 ? null : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant instant(Fields f, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw f.error("field 'startAt' must be an ISO-8601 instant with an offset, e.g. 2026-06-01T02:00:00Z; got '"
                    + text + "'");
        }
    }

    public StartInstance toInbound(String instanceId, Instant at) {
        return new StartInstance(instanceId, workflow, version, input, businessKey, parent, startAt, deadline, at);
    }

    public byte[] toJson() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("workflow", workflow);
        if (version != null) {
            m.put("version", version);
        }
        m.put("input", input);
        if (businessKey != null) {
            m.put("businessKey", businessKey);
        }
        if (parent != null) {
            m.put("parent", Fields.parent(parent));
        }
        if (startAt != null) {
            m.put("startAt", startAt.toString());
        }
        if (deadline != null) {
            m.put("deadline", deadline.toString());
        }
        return Writing.bytes(m);
    }
}
