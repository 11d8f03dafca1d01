/**
 * Implementation of the Baton worker SDK. Not public API: everything here may change without
 * notice. The classes are public so that tests (and Baton's own end-to-end tests) can drive the
 * pieces on their own, e.g. {@link dev.baton.worker.internal.WorkerEngine} with Kafka's
 * {@code MockConsumer} and {@code MockProducer}.
 */
package dev.baton.worker.internal;
