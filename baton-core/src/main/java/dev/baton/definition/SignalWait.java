package dev.baton.definition;

/**
 * A step that sends no command: it waits until a signal of this name is delivered to its instance, and succeeds
 * with the signal's payload as its output.
 *
 * @param name the signal's name
 */
public record SignalWait(String name) implements StepKind {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.signal(this);
    }

    @Override
    public String field() {
        return "signal";
    }
}
