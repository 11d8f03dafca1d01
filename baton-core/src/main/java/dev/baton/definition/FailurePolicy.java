package dev.baton.definition;

/** What a step's absolute failure does to its instance ({@code onFailure} in a definition). */
public enum FailurePolicy {
    /** The default: the item fails, in-flight steps finish, and completed steps are compensated. */
    COMPENSATE,
    /** The instance raises an incident and waits for an operator to retry the step or cancel the instance. */
    WAIT
}
