package dev.baton.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the compensation handler of a Baton step: it is called for each
 * {@code compensate} command on {@link #topic()}, to compensate work that the topic's {@link BatonStep} method did. The
 * outcome goes back to Baton like any other: return normally when the work is compensated, throw when it could not be
 * (after the retries of {@code baton.worker.retry.*}).
 *
 * <p>Parameters and return value follow the rules of {@link BatonStep}. The input of a compensate command is
 * {@code {"input": <the execute command's input>, "output": <what the step method returned>}}: declare a
 * {@link CompensationInput CompensationInput&lt;I, O&gt;} parameter to receive both, typed.
 *
 * <pre>{@code
 * @BatonCompensation(topic = "payments.commands")
 * void refund(CompensationInput<Charge, Payment> compensation) {
 *     gateway.refund(compensation.output().paymentId());
 * }
 * }</pre>
 *
 * <p>Exactly one {@code @BatonStep} method must exist for the same topic; one {@code @BatonCompensation} method per
 * topic is allowed.
 *
 * @see BatonStep#compensate()
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BatonCompensation {

    /**
     * The command topic whose {@code compensate} commands this method handles: the same topic as the step's
     * {@link BatonStep#topic()} (a workflow step's {@code compensate} topic). Placeholders are resolved from the
     * environment.
     *
     * @return a Kafka topic name, or a placeholder that resolves to one
     */
    String topic();
}
