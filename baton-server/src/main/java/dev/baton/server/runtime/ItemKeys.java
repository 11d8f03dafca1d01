package dev.baton.server.runtime;

/**
 * Where a forEach item's result is kept: in the instance store, under its own key next to its instance's. The key
 * starts with the instance id, so it lives on the instance's partition and its changelog; a NUL separates the
 * parts, which no instance id may hold (ids have no control characters), so an item key is never an instance's.
 */
final class ItemKeys {
    private static final char SEPARATOR = '\u0000';

    private ItemKeys() {}

    static String of(String instanceId, String stepId, int index) {
        return instanceId + SEPARATOR + stepId + SEPARATOR + index;
    }

    /** Whether a key of the instance store is an item's rather than an instance's. */
    static boolean isItem(String key) {
        return key.indexOf(SEPARATOR) >= 0;
    }
}
