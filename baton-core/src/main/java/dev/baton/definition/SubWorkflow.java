package dev.baton.definition;

/**
 * What a step that runs another workflow starts: the workflow's name and, optionally, a fixed version.
 *
 * @param name the workflow to start as a child instance
 * @param version the version to start; {@code null} for the newest deployed when the step starts
 */
public record SubWorkflow(String name, Integer version) implements StepKind {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.subWorkflow(this);
    }

    @Override
    public String field() {
        return "workflow";
    }
}
