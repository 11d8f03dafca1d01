package dev.baton.definition;

/**
 * How to undo a step that succeeded: a command of kind {@code compensate} sent to {@code topic}, which may be the
 * step's own topic (the worker tells the kinds apart) or a dedicated one.
 */
public record Compensation(String topic) {}
