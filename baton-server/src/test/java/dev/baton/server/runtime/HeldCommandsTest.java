package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What a task holds survives its restart: the store is all there is, and the order goes on where it stopped. */
class HeldCommandsTest {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    final TopicPauses pauses = new TopicPauses();
    final OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
    final KeyValueStore<String, byte[]> store = store();

    @Test
    void shouldReleaseAfterARestartWhatWasHeldBeforeInOrderWithCommandsHeldSince() {
        pauses.put(new TopicPause("pay.commands", true, "ops", "down", T0, 1000));
        var before = new HeldCommands(store, pauses, metrics, Duration.ofMillis(100));
        assertThat(before.hold(command("i-1", "pay.commands"))).isTrue();
        assertThat(before.hold(command("i-2", "pay.commands"))).isTrue();
        assertThat(before.hold(status("i-1"))).as("only commands are held").isFalse();
        assertThat(before.hold(command("i-3", "ship.commands")))
                .as("other topics flow")
                .isFalse();
        before.close();

        var after = new HeldCommands(store, pauses, metrics, Duration.ofMillis(100));
        assertThat(after.held("pay.commands")).isEqualTo(2);
        assertThat(metrics.heldCommands()).containsEntry("pay.commands", 2L);
        assertThat(after.hold(command("i-4", "pay.commands"))).isTrue();
        pauses.put(new TopicPause("pay.commands", false, "ops", "back", T0, 1000));
        var out = new ArrayList<Record<byte[], Routed>>();
        assertThat(after.release(T0.plusSeconds(1), out::add))
                .as("a release starts with one")
                .isEqualTo(1);
        assertThat(after.release(T0.plusMillis(1100), out::add))
                .as("then up to a tick's worth of the rate")
                .isEqualTo(2);
        assertThat(out)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("i-1", "i-2", "i-4");
        assertThat(out.get(0).value().topic()).isEqualTo("pay.commands");
        assertThat(new String(out.get(0).value().value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"c\":\"i-1\"}");
        assertThat(out.get(0).headers().lastHeader("traceparent").value()).isEqualTo(bytes("tp-i-1"));
        assertThat(out.get(0).timestamp()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(metrics.heldCommands()).isEmpty();
    }

    private static Record<byte[], Routed> command(String id, String topic) {
        var headers = CloudEventRecords.headers(dev.baton.protocol.CloudEvents.COMMAND, id + "/pay/1", id, T0);
        headers.add("traceparent", bytes("tp-" + id));
        return new Record<>(bytes(id), new Routed(topic, bytes("{\"c\":\"" + id + "\"}")), T0.toEpochMilli(), headers);
    }

    private static Record<byte[], Routed> status(String id) {
        return new Record<>(
                bytes(id),
                new Routed("pay.commands", bytes("{}")),
                T0.toEpochMilli(),
                CloudEventRecords.headers(dev.baton.protocol.CloudEvents.STATUS, id + "/s", id, T0));
    }

    @SuppressWarnings("deprecation")
    private static KeyValueStore<String, byte[]> store() {
        KeyValueStore<String, byte[]> s = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("held"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        var context = new MockProcessorContext<Object, Object>();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
