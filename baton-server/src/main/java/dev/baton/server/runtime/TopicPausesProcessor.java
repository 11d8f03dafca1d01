package dev.baton.server.runtime;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global topic-pauses store and the in-memory {@link TopicPauses} in step with the topic. */
final class TopicPausesProcessor implements Processor<String, byte[], Void, Void> {
    private final TopicPauses pauses;
    private KeyValueStore<String, byte[]> store;

    TopicPausesProcessor(TopicPauses pauses) {
        this.pauses = pauses;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(OrchestratorTopology.TOPIC_PAUSES_STORE);
        // Restoration fills the store without calling process(), so the registry is filled from the store here.
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> pauses.apply(kv.key, kv.value));
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        pauses.apply(record.key(), record.value());
    }
}
