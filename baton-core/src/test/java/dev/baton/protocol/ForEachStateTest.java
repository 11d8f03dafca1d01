package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.Failure;
import dev.baton.engine.FanOut;
import dev.baton.engine.IndexSet;
import dev.baton.engine.Instance;
import dev.baton.engine.ItemResult;
import dev.baton.engine.StepExecution;
import dev.baton.engine.StepState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A forEach step's progress in stored state, and an item's stored result. */
class ForEachStateTest {
    @Test
    void shouldStoreAFanOutAsRangesAndReadItBack() {
        FanOut f = new FanOut(
                10_000,
                9_990,
                IndexSet.parse("0-4999,5001-9979"),
                IndexSet.parse("5000"),
                IndexSet.EMPTY,
                IndexSet.EMPTY,
                IndexSet.EMPTY);
        Instance i = Instance.builder("order-7", "article", 1)
                .step(StepExecution.builder("B")
                        .state(StepState.RUNNING)
                        .attempt(1)
                        .commandId("order-7/B/1")
                        .fanOut(f)
                        .build())
                .build();

        byte[] stored = InstanceCodec.write(i);

        assertThat(new String(stored, StandardCharsets.UTF_8))
                .contains(
                        "\"forEach\":{\"total\":10000,\"started\":9990,\"succeeded\":\"0-4999,5001-9979\",\"failed\":\"5000\"}");
        assertThat(InstanceCodec.read(stored)).isEqualTo(i);
        assertThat(InstanceCodec.read(stored).step("B").fanOut().running()).isEqualTo(10);
        assertThat(stored.length).as("10,000 items' progress stays small").isLessThan(400);
    }

    @Test
    void shouldStoreAnItemsResultApartFromItsInstance() {
        var ok = new ItemResult("order-7", "B", 42, 1, true, Map.of("receipt", "r-42"), null);
        var failed = new ItemResult("order-7", "B", 43, 2, false, null, new Failure("B", "OutOfStock", "none left"));

        assertThat(InstanceCodec.readItem(InstanceCodec.writeItem(ok))).isEqualTo(ok);
        assertThat(InstanceCodec.readItem(InstanceCodec.writeItem(failed))).isEqualTo(failed);
    }

    @Test
    void shouldLeaveStatesWithoutForEachAsFormatOneAlwaysWroteThem() {
        Instance i = Instance.builder("order-7", "article", 1)
                .step(StepExecution.pending("A"))
                .build();
        assertThat(new String(InstanceCodec.write(i), StandardCharsets.UTF_8)).doesNotContain("forEach");
    }
}
