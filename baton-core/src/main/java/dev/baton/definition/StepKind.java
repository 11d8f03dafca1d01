package dev.baton.definition;

/**
 * What a step does when it starts. Exactly one per step; the YAML names it by the field that is present
 * (one of {@link #FIELDS}).
 *
 * <p>Code that must say what every kind does goes through {@link #accept(Visitor)}: a new kind of step (a fan-out,
 * an event to wait for, a timer) is a new permitted type here and a new visitor method, and the compiler then lists
 * every rule that must decide what the new kind does. (Java 17 has no pattern switch; the visitor is its exhaustive
 * equivalent.)
 */
public sealed interface StepKind permits WorkerTopic, HttpStep, SignalWait, SubWorkflow, Sleep, EventWait, EmitStep {

    /**
     * Every kind's YAML field and what it does, in the order messages list them: the one place a new kind adds its
     * line, so that validation names every kind a step may declare.
     */
    java.util.List<Described> FIELDS = java.util.List.of(
            new Described("topic", "command a worker"),
            new Described("signal", "wait for a signal"),
            new Described("workflow", "run a workflow"),
            new Described("http", "call an endpoint"),
            new Described("sleep", "wait for a time"),
            new Described("event", "wait for an event"),
            new Described("emit", "publish a record"));

    /** A kind's YAML field and, in a few words, what a step of that kind does. */
    record Described(String field, String does) {}

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

        R emit(EmitStep step);
    }
}
