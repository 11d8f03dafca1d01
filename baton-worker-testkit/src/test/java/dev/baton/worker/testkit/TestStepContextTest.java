package dev.baton.worker.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.baton.worker.NonRetryableException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestStepContextTest {

    record Order(String orderId, int amount) {}

    @Test
    void shouldNumberTheCommandAsTheOrchestratorDoesByDefault() {
        TestStepContext ctx = TestStepContext.newBuilder().build();

        assertThat(ctx.instanceId()).isEqualTo("instance-1");
        assertThat(ctx.stepId()).isEqualTo("step-1");
        assertThat(ctx.commandId()).isEqualTo("instance-1/step-1/1");
        assertThat(ctx.workflow()).isNull();
        assertThat(ctx.attempt()).isEqualTo(1);
        assertThat(ctx.tryNumber()).isEqualTo(1);
        assertThat(ctx.input().isNull()).isTrue();
        assertThat(ctx.inputAs(Order.class)).isNull();
        assertThat(ctx.isCompensation()).isFalse();
    }

    @Test
    void shouldCarryWhatTheTestSets() {
        TestStepContext ctx = TestStepContext.newBuilder()
                .instanceId("order-7")
                .stepId("charge")
                .workflow("checkout")
                .attempt(2)
                .tryNumber(3)
                .input(new Order("o-7", 25))
                .build();

        assertThat(ctx.commandId()).isEqualTo("order-7/charge/2");
        assertThat(ctx.workflow()).isEqualTo("checkout");
        assertThat(ctx.attempt()).isEqualTo(2);
        assertThat(ctx.tryNumber()).isEqualTo(3);
        assertThat(ctx.input().get("amount").asInt()).isEqualTo(25);
        assertThat(ctx.inputAs(Order.class)).isEqualTo(new Order("o-7", 25));
        assertThat(TestStepContext.newBuilder().commandId("c-1").build().commandId())
                .isEqualTo("c-1");
        assertThat(ctx.withTryNumber(1).tryNumber()).isEqualTo(1);
        assertThat(ctx.withTryNumber(1).commandId()).isEqualTo("order-7/charge/2");
    }

    @Test
    void shouldConvertInputsAsAWorkerDoes() {
        TestStepContext ctx = TestStepContext.newBuilder()
                .inputJson("{\"orderId\": \"o-1\", \"amount\": 5, \"extra\": true}")
                .build();
        assertThat(ctx.inputAs(Order.class)).isEqualTo(new Order("o-1", 5)); // unknown properties ignored

        TestStepContext wrong = TestStepContext.ofInput(Map.of("amount", "lots"));
        assertThatThrownBy(() -> wrong.inputAs(Order.class))
                .isInstanceOfSatisfying(
                        NonRetryableException.class,
                        e -> assertThat(e.errorType()).isEqualTo("InvalidInput"))
                .hasMessageContaining("Order");
    }

    @Test
    void shouldConvertWithTheGivenMapper() {
        ObjectMapper strict = new ObjectMapper();
        TestStepContext ctx = TestStepContext.newBuilder()
                .objectMapper(strict)
                .inputJson("{\"orderId\": \"o-1\", \"amount\": 5, \"extra\": true}")
                .build();
        assertThatThrownBy(() -> ctx.inputAs(Order.class)).isInstanceOf(NonRetryableException.class);
    }

    @Test
    void shouldShapeACompensateCommandAsTheOrchestratorSendsIt() {
        TestStepContext ctx = TestStepContext.newBuilder()
                .instanceId("order-7")
                .stepId("charge")
                .compensation(new Order("o-7", 25), Map.of("paymentId", "p-1"))
                .build();

        assertThat(ctx.isCompensation()).isTrue();
        assertThat(ctx.commandId()).isEqualTo("order-7/charge/1/compensate/1");
        assertThat(ctx.input().get("input").get("orderId").asText()).isEqualTo("o-7");
        assertThat(ctx.input().get("output").get("paymentId").asText()).isEqualTo("p-1");
        assertThat(TestStepContext.newBuilder()
                        .compensation(IntNode.valueOf(1), null)
                        .build()
                        .input()
                        .get("output")
                        .isNull())
                .isTrue();
    }

    @Test
    void shouldRejectWhatNoCommandCarries() {
        TestStepContext.Builder b = TestStepContext.newBuilder();
        assertThatThrownBy(() -> b.instanceId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.stepId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.attempt(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.tryNumber(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.inputJson("{not json").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputJson");
    }
}
