package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ArticleRequestsTest {

    private static List<ArticleRequests.Order> orders(String prefix, long seed, int count) {
        return LongStream.rangeClosed(1, count)
                .mapToObj(n -> ArticleRequests.order(prefix, seed, n))
                .toList();
    }

    @Test
    void idsAreUniqueAndReadable() {
        List<ArticleRequests.Order> orders = orders("order-", 2021, 10_000);
        Set<String> ids = new HashSet<>();
        orders.forEach(o -> ids.add(o.instanceId()));
        assertThat(ids).hasSize(10_000);
        assertThat(orders.get(0).instanceId()).isEqualTo("order-000001");
        assertThat(orders.get(0).orderId()).isEqualTo("o-000001");
        assertThat(orders.get(122).instanceId()).isEqualTo("order-000123");
        assertThat(ArticleRequests.order("run7-", 1, 1_234_567).instanceId()).isEqualTo("run7-1234567");
    }

    @Test
    void aboutOneOrderInFiveFailsAtD() {
        for (long seed : new long[] {ArticleRequests.DEFAULT_SEED, 1, 42, 4711}) {
            List<ArticleRequests.Order> orders = orders("order-", seed, 2_000);
            long failing =
                    orders.stream().filter(ArticleRequests.Order::failsAtD).count();
            assertThat(failing).as("seed %d", seed).isBetween(340L, 460L); // 20 % ± 3 points
            // the flag and D's own rule agree, and the two kinds are well apart from the threshold
            orders.forEach(o -> {
                assertThat(o.failsAtD()).isEqualTo(o.amount() > 900);
                assertThat(o.amount()).isBetween(5.0, 999.99);
            });
        }
        // and in any short stretch, failures are mixed in rather than bunched at the end
        assertThat(orders("order-", ArticleRequests.DEFAULT_SEED, 30).stream().filter(ArticleRequests.Order::failsAtD))
                .hasSizeBetween(2, 12);
    }

    @Test
    void theGeneratorIsAPureFunction() {
        assertThat(orders("order-", 7, 50)).isEqualTo(orders("order-", 7, 50));
        assertThat(orders("order-", 7, 50)).isNotEqualTo(orders("order-", 8, 50));
    }

    @Test
    void requestsFollowTheWireProtocol() throws Exception {
        ArticleRequests.Order o = ArticleRequests.order("order-", 3, 9);
        JsonNode request = new ObjectMapper().readTree(o.requestJson());
        assertThat(request.get("workflow").asText()).isEqualTo("article");
        assertThat(request.get("businessKey").asText()).isEqualTo("o-000009");
        JsonNode input = request.get("input");
        assertThat(input.get("orderId").asText()).isEqualTo("o-000009");
        assertThat(input.get("sku").asText()).isNotBlank();
        assertThat(input.get("amount").isNumber()).isTrue();
        assertThat(input.get("email").asText()).endsWith("@example.com").contains("000009");
        assertThat(input.get("quantity").asInt()).isBetween(1, 3);
        assertThat(NotificationService.rejects(input, 900)).isEqualTo(o.failsAtD());
    }

    @Test
    void sendWritesKeyedRequestsToBatonRequests() {
        MockProducer<String, String> producer =
                new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        try (ArticleRequests requests = new ArticleRequests(producer, "t-", 5)) {
            assertThat(requests.peek().instanceId()).isEqualTo("t-000001");
            List<ArticleRequests.Order> sent = requests.send(3);
            assertThat(sent)
                    .extracting(ArticleRequests.Order::instanceId)
                    .containsExactly("t-000001", "t-000002", "t-000003");
            requests.sendOne();
            assertThat(requests.sent()).isEqualTo(4);

            List<ProducerRecord<String, String>> history = producer.history();
            assertThat(history).hasSize(4);
            ProducerRecord<String, String> first = history.get(0);
            assertThat(first.topic()).isEqualTo("baton.requests");
            assertThat(first.key()).isEqualTo("t-000001");
            assertThat(first.value())
                    .isEqualTo(ArticleRequests.order("t-", 5, 1).requestJson());
            assertThat(new String(first.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                    .isEqualTo("dev.baton.request.v1");
            assertThat(history.get(3).key()).isEqualTo("t-000004");
        }
        assertThat(producer.closed()).isTrue();
    }
}
