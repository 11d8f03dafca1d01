package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.worker.NonRetryableException;
import dev.baton.worker.RetryPolicy;
import dev.baton.worker.StepContext;
import dev.baton.worker.WorkerOptions;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

/** The auto-configuration without a broker: which methods it finds, the options it builds, what it refuses. */
class BatonWorkerAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonWorkerAutoConfiguration.class))
            .withPropertyValues("baton.worker.auto-startup=false");

    record Charge(String orderId, double amount) {}

    record Payment(String paymentId) {}

    static class Payments {
        @BatonStep(topic = "${payments.topic:payments.commands}", compensate = true)
        Payment charge(Charge charge, StepContext ctx) {
            return new Payment("p-" + charge.orderId() + "-" + ctx.commandId());
        }

        @BatonCompensation(topic = "${payments.topic:payments.commands}")
        String refund(CompensationInput<Charge, Payment> compensation) {
            return "refunded " + compensation.output().paymentId() + " for "
                    + compensation.input().orderId();
        }

        @BatonStep(topic = "receipts.commands")
        public void receipt() {}
    }

    @Configuration(proxyBeanMethods = false)
    static class PaymentsConfig {
        @Bean
        Payments payments() {
            return new Payments();
        }
    }

    @Test
    void shouldFindTheAnnotatedMethodsAndBuildOptionsFromTheDefaults() {
        runner.withUserConfiguration(PaymentsConfig.class).run(ctx -> {
            BatonWorkers workers = ctx.getBean(BatonWorkers.class);
            assertThat(workers.topics()).containsExactly("payments.commands", "receipts.commands");
            assertThat(workers.isRunning()).isFalse();
            assertThat(workers.workers()).isEmpty();
            WorkerOptions o = workers.options("payments.commands").orElseThrow();
            assertThat(o.bootstrapServers()).isEqualTo("localhost:9092");
            assertThat(o.groupId()).isEqualTo("payments.commands-worker");
            assertThat(o.concurrency()).isEqualTo(1);
            assertThat(o.retryPolicy()).isEqualTo(RetryPolicy.getDefaultInstance());
            assertThat(o.outcomeTopic()).isEmpty();
            assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void shouldApplyBatonWorkerPropertiesAndPerTopicOverrides() {
        runner.withUserConfiguration(PaymentsConfig.class)
                .withPropertyValues(
                        "spring.kafka.bootstrap-servers=k1:9092,k2:9092",
                        "payments.topic=pay.commands",
                        "baton.worker.group-id-prefix=payment-service.",
                        "baton.worker.concurrency=4",
                        "baton.worker.retry.max-attempts=5",
                        "baton.worker.retry.initial-backoff=200ms",
                        "baton.worker.retry.max-backoff=5s",
                        "baton.worker.retry.multiplier=3",
                        "baton.worker.retry.do-not-retry=java.lang.IllegalArgumentException",
                        "baton.worker.kafka.security.protocol=SSL",
                        "baton.worker.shutdown-timeout=5s",
                        "baton.worker.steps.[receipts.commands].group-id=receipts",
                        "baton.worker.steps.[receipts.commands].concurrency=2",
                        "baton.worker.steps.[receipts.commands].outcome-topic=receipts.outcomes",
                        "baton.worker.steps.[receipts.commands].retry.max-attempts=1")
                .run(ctx -> {
                    BatonWorkers workers = ctx.getBean(BatonWorkers.class);
                    assertThat(workers.topics()).containsExactly("pay.commands", "receipts.commands");
                    WorkerOptions pay = workers.options("pay.commands").orElseThrow();
                    assertThat(pay.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
                    assertThat(pay.groupId()).isEqualTo("payment-service.pay.commands-worker");
                    assertThat(pay.concurrency()).isEqualTo(4);
                    assertThat(pay.retryPolicy().maxAttempts()).isEqualTo(5);
                    assertThat(pay.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(200));
                    assertThat(pay.retryPolicy().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(pay.retryPolicy().multiplier()).isEqualTo(3.0);
                    assertThat(pay.retryPolicy().isRetryable(new IllegalArgumentException()))
                            .isFalse();
                    assertThat(pay.kafkaProperties()).containsEntry("security.protocol", "SSL");
                    assertThat(pay.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));

                    WorkerOptions receipts =
                            workers.options("receipts.commands").orElseThrow();
                    assertThat(receipts.groupId()).isEqualTo("receipts");
                    assertThat(receipts.concurrency()).isEqualTo(2);
                    assertThat(receipts.outcomeTopic()).contains("receipts.outcomes");
                    assertThat(receipts.retryPolicy().maxAttempts()).isEqualTo(1);
                    assertThat(receipts.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(200));
                });
    }

    @Test
    void shouldPreferBatonWorkerBootstrapServersAndApplyCustomizers() {
        runner.withUserConfiguration(PaymentsConfig.class)
                .withPropertyValues(
                        "spring.kafka.bootstrap-servers=spring:9092", "baton.worker.bootstrap-servers=baton:9092")
                .withBean(BatonWorkerCustomizer.class, () -> (topic, options) -> options.maxPollRecords(7))
                .run(ctx -> {
                    WorkerOptions o = ctx.getBean(BatonWorkers.class)
                            .options("receipts.commands")
                            .orElseThrow();
                    assertThat(o.bootstrapServers()).isEqualTo("baton:9092");
                    assertThat(o.maxPollRecords()).isEqualTo(7);
                });
    }

    @Test
    void shouldCreateNoWorkersWhenDisabled() {
        runner.withUserConfiguration(PaymentsConfig.class)
                .withPropertyValues("baton.worker.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(BatonWorkers.class));
    }

    @Test
    void shouldCallTheMethodThroughTheBeansProxySoThatAdviceApplies() {
        java.util.List<String> advised = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withBean("payments", Payments.class, () -> {
                    var factory = new org.springframework.aop.framework.ProxyFactory(new Payments());
                    factory.setProxyTargetClass(true);
                    factory.addAdvice((org.aopalliance.intercept.MethodInterceptor) inv -> {
                        advised.add(inv.getMethod().getName());
                        return inv.proceed();
                    });
                    return (Payments) factory.getProxy();
                })
                .run(ctx -> {
                    BatonWorkers workers = ctx.getBean(BatonWorkers.class);
                    assertThat(workers.topics()).containsExactly("payments.commands", "receipts.commands");
                    Object out = workers.handler("payments.commands", false)
                            .orElseThrow()
                            .handle(new FakeContext(mapper.readTree("{\"orderId\":\"o-2\",\"amount\":1}")));
                    assertThat(out).isEqualTo(new Payment("p-o-2-cmd-1"));
                    assertThat(workers.handler("payments.commands", true)).isPresent();
                    assertThat(advised).containsExactly("charge");
                });
    }

    static class TwoStepsOneTopic {
        @BatonStep(topic = "t")
        void a() {}

        @BatonStep(topic = "t")
        void b() {}
    }

    static class CompensationWithoutStep {
        @BatonCompensation(topic = "orphan.commands")
        void refund() {}
    }

    static class RequiredCompensationMissing {
        @BatonStep(topic = "t", compensate = true)
        void a() {}
    }

    static class TwoInputs {
        @BatonStep(topic = "t")
        void a(Charge charge, Payment payment) {}
    }

    @Test
    void shouldRefuseToStartOnAmbiguousOrIncompleteHandlers() {
        assertStartupFails(TwoStepsOneTopic.class, "Two @BatonStep methods for topic 't'");
        assertStartupFails(CompensationWithoutStep.class, "no @BatonStep method does");
        assertStartupFails(RequiredCompensationMissing.class, "says compensate = true, but no @BatonCompensation");
        assertStartupFails(TwoInputs.class, "at most one parameter is allowed");
    }

    private void assertStartupFails(Class<?> beanClass, String message) {
        runner.withBean(beanClass)
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
                                .hasMessageContaining(message)));
    }

    // ---- The handler adapter: arguments in, outputs and exceptions out. ----

    private final ObjectMapper mapper = new ObjectMapper();

    private StepMethod stepMethod(String name, Class<?>... parameterTypes) throws Exception {
        Method m = Payments.class.getDeclaredMethod(name, parameterTypes);
        return new StepMethod(new Payments(), m, m, "@BatonStep", mapper);
    }

    @Test
    void shouldPassTheConvertedInputAndTheContext() throws Exception {
        Object out = stepMethod("charge", Charge.class, StepContext.class)
                .handle(new FakeContext(mapper.readTree("{\"orderId\":\"o-1\",\"amount\":5,\"extra\":true}")));
        assertThat(out).isEqualTo(new Payment("p-o-1-cmd-1"));
    }

    @Test
    void shouldConvertGenericParameterTypesSuchAsCompensationInput() throws Exception {
        Object out = stepMethod("refund", CompensationInput.class)
                .handle(new FakeContext(mapper.readTree(
                        "{\"input\":{\"orderId\":\"o-1\",\"amount\":5},\"output\":{\"paymentId\":\"p-9\"}}")));
        assertThat(out).isEqualTo("refunded p-9 for o-1");
    }

    @Test
    void shouldFailAtOnceWithInvalidInputWhenTheInputDoesNotFit() throws Exception {
        StepMethod refund = stepMethod("refund", CompensationInput.class);
        assertThatThrownBy(() -> refund.handle(new FakeContext(mapper.readTree("{\"input\":[1,2]}"))))
                .isInstanceOfSatisfying(
                        NonRetryableException.class,
                        e -> assertThat(e.errorType()).isEqualTo("InvalidInput"));
    }

    static class Throwing {
        void fail(JsonNode input) throws Exception {
            throw new java.io.IOException("disk full: " + input.path("x").asText());
        }
    }

    @Test
    void shouldRethrowWhatTheMethodThrows() throws Exception {
        Method m = Throwing.class.getDeclaredMethod("fail", JsonNode.class);
        StepMethod handler = new StepMethod(new Throwing(), m, m, "@BatonStep", mapper);
        assertThatThrownBy(() -> handler.handle(new FakeContext(mapper.readTree("{\"x\":\"now\"}"))))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("disk full: now");
    }

    /** A command's context as the SDK would give it. */
    record FakeContext(JsonNode input) implements StepContext {
        @Override
        public String instanceId() {
            return "i-1";
        }

        @Override
        public String stepId() {
            return "charge";
        }

        @Override
        public String commandId() {
            return "cmd-1";
        }

        @Override
        public String workflow() {
            return "payment";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public int tryNumber() {
            return 1;
        }

        @Override
        public <T> T inputAs(Class<T> type) {
            try {
                return new ObjectMapper()
                        .configure(
                                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                        .treeToValue(input, type);
            } catch (Exception e) {
                throw NonRetryableException.ofType("InvalidInput", e.getMessage(), e);
            }
        }
    }
}
