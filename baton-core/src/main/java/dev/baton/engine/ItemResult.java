package dev.baton.engine;

/**
 * How one item of a forEach step finished: stored by the runtime apart from the instance (one record per item), and
 * read back when the step completes, to collect the outputs in list order, or when a person opens the item.
 *
 * @param instanceId the instance the item belongs to
 * @param stepId the forEach step
 * @param index the item's position in the list
 * @param attempt the step's attempt the item ran in
 * @param succeeded whether the item's work succeeded
 * @param output the item's output, when it succeeded
 * @param error what failed, when it failed
 */
public record ItemResult(
        String instanceId, String stepId, int index, int attempt, boolean succeeded, Object output, Failure error) {

    /** Where the runtime keeps item results, for the engine to read; the engine writes them through its decisions. */
    @FunctionalInterface
    public interface Store {
        /** No item results: for a runtime that has none stored (a test, a replay of a workflow without forEach). */
        Store NONE = (instanceId, stepId, index) -> null;

        /** The stored result of the item, or {@code null} when none is stored. */
        ItemResult find(String instanceId, String stepId, int index);
    }
}
