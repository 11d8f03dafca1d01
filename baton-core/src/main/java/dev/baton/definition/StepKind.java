package dev.baton.definition;

/**
 * What a step does when it starts. Exactly one per step; the YAML names it by the field that is present
 * ({@code topic}, {@code http}, {@code signal}, {@code workflow} or {@code event}).
 *
 * <p>Code that must say what every kind does goes through {@link #accept(Visitor)}: a new kind of step (a fan-out,
 * an event to wait for, a timer) is a new permitted type here and a new visitor method, and the compiler then lists
 * every rule that must decide what the new kind does. (Java 17 has no pattern switch; the visitor is its exhaustive
 * equivalent.)
 */
public sealed interface StepKind permits WorkerTopic, HttpStep, SignalWait, SubWorkflow, Sleep, EventWait {

    /** The YAML field that declares this kind, as validation messages name it. */
    String field();

    <R> R accept(Visitor<R> visitor);

    /** One method per kind of step. */
    interface Visitor<R> {
        R worker(WorkerTopic step);

        R http(HttpStep step);

        R signal(SignalWait step);

        R subWorkflow(SubWorkflow step);

        R sleep(Sleep step);

        R event(EventWait step);
    }
}
