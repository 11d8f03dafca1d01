package dev.baton.engine;

/** What a step command asks a worker to do. */
public enum CommandKind {
    EXECUTE,
    COMPENSATE
}
