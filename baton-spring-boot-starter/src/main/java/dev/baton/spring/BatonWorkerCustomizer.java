package dev.baton.spring;

import dev.baton.worker.WorkerOptions;

/**
 * Adjusts the options of a worker before it is created, after {@code baton.worker.*} was applied: for settings that
 * have no property, e.g. an own {@link com.fasterxml.jackson.databind.ObjectMapper} or a
 * {@link dev.baton.worker.RetryPolicy} with {@code doNotRetry} types. Declare any number of beans of this type; they
 * are applied in their {@link org.springframework.core.annotation.Order order}.
 *
 * <pre>{@code
 * @Bean
 * BatonWorkerCustomizer lenientPayments() {
 *     return (topic, options) -> {
 *         if (topic.equals("payments.commands")) {
 *             options.maxPollRecords(50);
 *         }
 *     };
 * }
 * }</pre>
 */
@FunctionalInterface
public interface BatonWorkerCustomizer {

    /**
     * Customizes the options of the worker of one command topic.
     *
     * @param topic the command topic, placeholders resolved
     * @param options the builder, already holding the settings of {@code baton.worker.*}
     */
    void customize(String topic, WorkerOptions.Builder options);
}
