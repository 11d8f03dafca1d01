package dev.baton.worker.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bounded least-recently-used memory of answered command ids and their answers, to answer a
 * redelivered command with the same outcome without running the handler again. Thread-safe.
 */
public final class AnsweredCommands {

    private final int capacity;
    private final LinkedHashMap<String, Answer> entries;

    /**
     * Creates the memory.
     *
     * @param capacity how many commands to remember; 0 remembers none
     */
    public AnsweredCommands(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > AnsweredCommands.this.capacity;
            }
        };
    }

    /**
     * The answer given to a command, marking it recently used.
     *
     * @param commandId the command id
     * @return the answer, or empty if not remembered
     */
    public synchronized Optional<Answer> lookup(String commandId) {
        return Optional.ofNullable(entries.get(commandId));
    }

    /**
     * Remembers (or replaces) the answer to a command, forgetting the least recently used one
     * if the memory is full.
     *
     * @param commandId the command id
     * @param answer the answer
     */
    public synchronized void remember(String commandId, Answer answer) {
        if (capacity == 0) {
            return;
        }
        entries.put(Objects.requireNonNull(commandId, "commandId"), Objects.requireNonNull(answer, "answer"));
    }

    /**
     * How many commands are remembered.
     *
     * @return at most the capacity
     */
    public synchronized int size() {
        return entries.size();
    }
}
