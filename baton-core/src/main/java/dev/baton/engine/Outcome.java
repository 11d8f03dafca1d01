package dev.baton.engine;

/** What happened to the item an instance processes; decided once, published once in the result. */
public enum Outcome {
    SUCCEEDED,
    FAILED,
    CANCELLED
}
