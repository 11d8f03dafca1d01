package dev.baton.server.runtime;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global definitions store and the in-memory {@link DefinitionRegistry} in step with the topic. */
final class DefinitionsProcessor implements Processor<String, byte[], Void, Void> {
    private final DefinitionRegistry registry;
    private KeyValueStore<String, byte[]> store;

    DefinitionsProcessor(DefinitionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(OrchestratorTopology.DEFINITIONS_STORE);
        // Restoration fills the store without calling process(), so the registry is filled from the store here.
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> registry.add(kv.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        store.put(record.key(), record.value());
        registry.add(record.value());
    }
}
