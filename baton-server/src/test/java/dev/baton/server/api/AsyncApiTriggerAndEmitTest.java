package dev.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionReader;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.server.runtime.BatonTopics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AsyncAPI document of a triggered workflow names the trigger's topic, its instance id rule and each emit topic. */
class AsyncApiTriggerAndEmitTest {

    @Test
    @SuppressWarnings("unchecked")
    void shouldDescribeTheTriggerTopicAndTheEmitTopic() throws Exception {
        WorkflowDefinition d = DefinitionReader.read(Path.of("..", "docs", "examples", "article-triggered.yaml"))
                .withVersion(1);
        Map<String, Object> doc = AsyncApiDocument.of(d, BatonTopics.defaults(), "kafka:9092");
        var channels = (Map<String, Map<String, Object>>) doc.get("channels");
        var operations = (Map<String, Map<String, Object>>) doc.get("operations");
        var messages = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("messages");

        assertThat(channels.get("trigger")).containsEntry("address", "orders.placed");
        assertThat((String) channels.get("trigger").get("description"))
                .contains("article-triggered:<$.record.orderId>")
                .contains("never starts two");
        assertThat(operations.get("receiveTriggerRecord")).containsEntry("action", "receive");
        assertThat((String) operations.get("receiveTriggerRecord").get("summary"))
                .contains("$.record.amount > 0")
                .contains("baton.requests");
        assertThat(messages).containsKey("TriggerRecord");

        assertThat(channels.get("emit-E")).containsEntry("address", "orders.processed");
        assertThat(operations.get("sendERecord")).containsEntry("action", "send");
        assertThat((String) operations.get("sendERecord").get("summary")).contains("com.example.order.processed");
        assertThat(messages).containsKey("EmittedE");
        // Every channel's message is defined, so the document resolves.
        channels.values()
                .forEach(c -> ((Map<String, Map<String, String>>) c.get("messages"))
                        .values()
                        .forEach(ref -> assertThat(messages)
                                .containsKey(ref.get("$ref").substring("#/components/messages/".length()))));
        // The emit step is no worker step: no command channel for it.
        assertThat(channels).doesNotContainKey("step-E");
    }
}
