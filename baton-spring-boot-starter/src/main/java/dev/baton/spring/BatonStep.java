package dev.baton.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the handler of a Baton step: the Baton Spring Boot starter runs one
 * {@link dev.baton.worker.Worker} per {@link #topic()}, which consumes the step's commands and calls this method for
 * each {@code execute} command, retrying failures and publishing exactly one outcome per command.
 *
 * <p><b>Parameters.</b> Any number of {@link dev.baton.worker.StepContext} parameters (the command's ids, attempt and
 * raw input), and at most one other parameter, which receives the command's {@code input} converted with the
 * worker's Jackson mapper: a record or bean, a {@code Map}, a {@code List<T>}, or a
 * {@link com.fasterxml.jackson.databind.JsonNode}. An input that does not fit the parameter's type fails the command at
 * once with error type {@code InvalidInput}. No parameter at all is allowed too.
 *
 * <p><b>Return value.</b> The step's output, turned into JSON with the same mapper; {@code void} or {@code null} for
 * none. <b>Exceptions</b> are retried according to {@code baton.worker.retry.*}; throw
 * {@link dev.baton.worker.NonRetryableException} to fail at once.
 *
 * <pre>{@code
 * @Component
 * class PaymentHandlers {
 *     record Charge(String orderId, BigDecimal amount) {}
 *
 *     @BatonStep(topic = "payments.commands", compensate = true)
 *     Map<String, Object> charge(Charge charge, StepContext ctx) {
 *         return Map.of("paymentId", gateway.charge(charge, ctx.commandId()));  // commandId: an idempotency key
 *     }
 *
 *     @BatonCompensation(topic = "payments.commands")
 *     void refund(CompensationInput<Charge, Map<String, Object>> compensation) {
 *         gateway.refund((String) compensation.output().get("paymentId"));
 *     }
 * }
 * }</pre>
 *
 * <p>The method may be called on several threads at once when {@code baton.worker.concurrency} is above 1 (never for
 * two commands of the same instance), so it must be thread-safe. Methods of singleton beans only are found; one
 * {@code @BatonStep} method per topic is allowed.
 *
 * @see BatonCompensation
 * @see BatonWorkerProperties
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BatonStep {

    /**
     * The command topic to consume: the {@code topic} of the workflow steps this method serves. Placeholders such as
     * {@code "${payments.topic}"} are resolved from the environment.
     *
     * @return a Kafka topic name, or a placeholder that resolves to one
     */
    String topic();

    /**
     * Whether the step must be compensable. When {@code true}, the application fails to start unless a
     * {@link BatonCompensation} method exists for the same topic, so that a missing or misspelt compensation handler
     * is found at startup rather than when the first compensation is due. When {@code false} (the default), a
     * {@code @BatonCompensation} method is optional; without one, {@code compensate} commands are reported
     * {@code FAILED} with error type {@code NoCompensationHandler}.
     *
     * @return whether a compensation handler is required
     */
    boolean compensate() default false;
}
