package dev.baton.definition;

/**
 * A step's {@code forEach}: the step runs once per element of a list, each run (an <em>item</em>) with the element as
 * its input, at most {@code maxConcurrency} at a time. The step succeeds with every item's output in list order when
 * no more than {@code toleratedFailures} items failed, and fails otherwise; its succeeded items are then compensated.
 *
 * <pre>
 * forEach:
 *   items: $.request.lines
 *   maxConcurrency: 10
 *   toleratedFailures: 10%
 * </pre>
 *
 * @param items where the list is: in the request or an earlier step's output
 * @param maxConcurrency the most items in flight at once (and the most compensations)
 * @param toleratedFailures how many items may fail before the step does
 */
public record ForEach(DataPath items, int maxConcurrency, Tolerance toleratedFailures) {
    /** Items in flight at once when {@code maxConcurrency} is not given. */
    public static final int DEFAULT_MAX_CONCURRENCY = 10;

    /** The largest {@code maxConcurrency}: each item in flight is a command out and a slot in every decision. */
    public static final int MAX_CONCURRENCY = 1000;

    /**
     * How many failed items a step tolerates: a count, or a percentage of the list's length.
     *
     * @param amount the count, or the percentage (0 to 100)
     * @param percent whether {@code amount} is a percentage
     */
    public record Tolerance(int amount, boolean percent) {
        /** No failure tolerated: one failed item fails the step. */
        public static final Tolerance NONE = new Tolerance(0, false);

        /**
         * Whether {@code failed} of {@code total} items failing still lets the step succeed. A percentage rounds down:
         * 10% of 15 items tolerates one failure.
         */
        public boolean tolerates(int failed, int total) {
            return percent ? (long) failed * 100 <= (long) amount * total : failed <= amount;
        }

        /** As written in YAML: {@code 3} or {@code 10%}. */
        @Override
        public String toString() {
            return percent ? amount + "%" : Integer.toString(amount);
        }
    }
}
