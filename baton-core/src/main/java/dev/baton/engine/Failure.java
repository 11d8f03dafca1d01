package dev.baton.engine;

/**
 * Why something failed: the worker's error, a timeout, or a cancellation.
 *
 * @param stepId the step at fault, or {@code null} when no step is (a cancellation)
 * @param type a short machine-readable kind, e.g. {@code CardDeclined}, {@code Timeout}, {@code Cancelled}
 * @param message for people
 */
public record Failure(String stepId, String type, String message) {}
