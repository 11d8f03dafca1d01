package dev.baton.protocol;

import dev.baton.engine.Failure;
import dev.baton.engine.Notification;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of a status notification on {@code baton.status}: {@code type}, {@code workflow}, then the
 * notification's own fields by name ({@code instanceId}, {@code stepId}, {@code at}, ...).
 */
public final class StatusMessage {
    private StatusMessage() {}

    public static byte[] toJson(Notification notification, String workflow) {
        return Writing.bytes(toMap(notification, workflow));
    }

    public static Map<String, Object> toMap(Notification notification, String workflow) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", notification.type());
        m.put("workflow", workflow);
        // Notifications are records whose fields are the wire fields; reading them generically keeps the two in step.
        for (RecordComponent c : notification.getClass().getRecordComponents()) {
            try {
                Object value = c.getAccessor().invoke(notification);
                if (value instanceof Failure f) {
                    value = ResultMessage.failure(f);
                } else if (value instanceof Enum<?> e) {
                    value = e.name();
                } else if (value instanceof java.time.Instant t) {
                    value = t.toString();
                }
                if (value != null && !(c.getName().equals("workflow"))) {
                    m.put(c.getName(), value);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }
}
