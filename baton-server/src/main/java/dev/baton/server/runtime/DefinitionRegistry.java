package dev.baton.server.runtime;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every deployed definition version, as read from the compacted definitions topic. Shared by the stream threads
 * (to start and drive instances) and the API (to list and deploy); definitions are immutable, so a version once seen
 * never changes.
 */
public final class DefinitionRegistry {
    private final Map<String, NavigableMap<Integer, WorkflowDefinition>> byName = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code listener} after every definition added, on the thread that adds it (it should be quick). */
    public void onAdd(Runnable listener) {
        listeners.add(listener);
    }

    /** The key a version is stored under; zero-padded so keys sort by version. */
    public static String key(String name, int version) {
        return name + ":" + String.format("%010d", version);
    }

    /** Adds a definition read from the definitions topic; returns false for a record that is not a definition. */
    boolean add(byte[] json) {
        if (json == null) {
            return false;
        }
        try {
            WorkflowDefinition d = DefinitionReader.read(new String(json, StandardCharsets.UTF_8), "definitions topic");
            add(d);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void add(WorkflowDefinition definition) {
        byName.computeIfAbsent(definition.name(), n -> new ConcurrentSkipListMap<>())
                .put(definition.version(), definition);
        listeners.forEach(Runnable::run);
    }

    public Optional<WorkflowDefinition> latest(String name) {
        NavigableMap<Integer, WorkflowDefinition> versions = byName.get(name);
        return versions == null || versions.isEmpty()
                ? Optional.empty()
                : Optional.of(versions.lastEntry().getValue());
    }

    public Optional<WorkflowDefinition> find(String name, int version) {
        NavigableMap<Integer, WorkflowDefinition> versions = byName.get(name);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    /** The newest version of every workflow, by name. */
    public List<WorkflowDefinition> latestOfEach() {
        return byName.values().stream()
                .filter(v -> !v.isEmpty())
                .map(v -> v.lastEntry().getValue())
                .sorted(java.util.Comparator.comparing(WorkflowDefinition::name))
                .toList();
    }

    public List<WorkflowDefinition> versions(String name) {
        NavigableMap<Integer, WorkflowDefinition> versions = byName.get(name);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }
}
