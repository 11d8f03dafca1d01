package dev.baton.definition;

/**
 * A step done by a worker service: Baton sends an execute command to {@code topic} and waits for the worker's
 * absolute outcome on the callback topic.
 *
 * @param topic the worker's command topic
 */
public record WorkerTopic(String topic) implements StepKind {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.worker(this);
    }

    @Override
    public String field() {
        return "topic";
    }
}
