package dev.baton.definition;

/**
 * A step that publishes one record and succeeds at once: the record is written in the same transaction as the
 * instance's state change, so it is published exactly once per run of the step.
 *
 * <pre>
 * emit:
 *   topic: orders.processed
 *   key: $.request.orderId          # a path or a template; absent: the instance id
 *   value:
 *     orderId: $.request.orderId
 *     mail: $.steps.D.output
 *   type: com.example.order.processed   # optional CloudEvents type
 * </pre>
 *
 * @param topic where the record goes
 * @param key the record key, mapped from the instance data; {@code null} keys the record by the instance id
 * @param value the record value, mapped from the instance data
 * @param type the {@code ce_type} header; {@code null} for {@link #DEFAULT_TYPE}
 */
public record EmitStep(String topic, InputMapping key, InputMapping value, String type) implements StepKind {
    /** The CloudEvents type of an emitted record whose step names none. */
    public static final String DEFAULT_TYPE = "dev.baton.emitted.v1";

    public String typeOrDefault() {
        return type == null ? DEFAULT_TYPE : type;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.emit(this);
    }

    @Override
    public String field() {
        return "emit";
    }
}
