/**
 * Implementation of the Baton worker SDK. Not public API: everything here may change without
 * notice. The classes are public so that tests (and Baton's own end-to-end tests) can drive the
 * pieces on their own, e.g. {@link dev.baton.worker.internal.CommandLoop} with Kafka's
 * {@code MockConsumer} and {@code MockProducer}, and so that the test kit
 * ({@code baton-worker-testkit}) runs handlers through the same
 * {@link dev.baton.worker.internal.StepHandlers} and {@link dev.baton.worker.internal.RetryRunner}
 * as a worker.
 */
package dev.baton.worker.internal;
