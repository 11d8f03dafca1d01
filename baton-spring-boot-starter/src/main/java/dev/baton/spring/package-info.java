/**
 * Baton workers in Spring Boot applications: annotate a bean method with {@link dev.baton.spring.BatonStep} and,
 * for its compensation, another with {@link dev.baton.spring.BatonCompensation}; configure the workers under
 * {@code baton.worker.*} ({@link dev.baton.spring.BatonWorkerProperties}). The auto-configuration runs one worker of
 * the SDK ({@code dev.baton.worker}) per command topic, started with the application context and stopped gracefully
 * with it.
 *
 * <pre>{@code
 * @SpringBootApplication
 * public class PaymentApplication {
 *     public static void main(String[] args) {
 *         SpringApplication.run(PaymentApplication.class, args);
 *     }
 * }
 *
 * @Component
 * class PaymentHandlers {
 *     record Charge(String orderId, BigDecimal amount) {}
 *     record Payment(String paymentId) {}
 *
 *     @BatonStep(topic = "payments.commands", compensate = true)
 *     Payment charge(Charge charge, StepContext ctx) {
 *         return new Payment(gateway.charge(charge.orderId(), charge.amount(), ctx.commandId()));
 *     }
 *
 *     @BatonCompensation(topic = "payments.commands")
 *     void refund(CompensationInput<Charge, Payment> compensation) {
 *         gateway.refund(compensation.output().paymentId());
 *     }
 * }
 * }</pre>
 *
 * <pre>{@code
 * # application.yml
 * spring.kafka.bootstrap-servers: localhost:9092   # or baton.worker.bootstrap-servers
 * baton.worker:
 *   concurrency: 4
 *   retry: { max-attempts: 5, initial-backoff: 200ms }
 * }</pre>
 *
 * <p>See {@code docs/spring.md} for every setting.
 */
package dev.baton.spring;
