package dev.baton.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final double NO_JITTER = 0.5;

    @Test
    void defaultsAreDocumented() {
        RetryPolicy p = RetryPolicy.getDefaultInstance();
        assertThat(p.maxAttempts()).isEqualTo(3);
        assertThat(p.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.multiplier()).isEqualTo(2.0);
        assertThat(p.jitter()).isEqualTo(0.2);
        assertThat(p.doNotRetry()).isEmpty();
        assertThat(RetryPolicy.newBuilder().build()).isEqualTo(p);
    }

    @Test
    void backoffGrowsExponentially() {
        RetryPolicy p = RetryPolicy.newBuilder()
                .maxAttempts(10)
                .initialBackoff(Duration.ofMillis(100))
                .build();
        assertThat(p.backoffBefore(1, () -> NO_JITTER)).isEqualTo(Duration.ZERO);
        assertThat(p.backoffBefore(2, () -> NO_JITTER)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoffBefore(3, () -> NO_JITTER)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoffBefore(4, () -> NO_JITTER)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.backoffBefore(5, () -> NO_JITTER)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void backoffIsCappedEvenForHugeTryNumbers() {
        RetryPolicy p = RetryPolicy.newBuilder()
                .initialBackoff(Duration.ofSeconds(1))
                .maxBackoff(Duration.ofSeconds(5))
                .multiplier(3)
                .build();
        assertThat(p.backoffBefore(3, () -> NO_JITTER)).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.backoffBefore(4, () -> NO_JITTER)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.backoffBefore(Integer.MAX_VALUE, () -> NO_JITTER)).isEqualTo(Duration.ofSeconds(5));
        // jitter never pushes past the cap
        assertThat(p.backoffBefore(50, () -> 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterStaysWithinBounds() {
        RetryPolicy p = RetryPolicy.newBuilder()
                .initialBackoff(Duration.ofSeconds(1))
                .jitter(0.2)
                .build();
        assertThat(p.backoffBefore(2, () -> 0.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.backoffBefore(2, () -> 1.0)).isEqualTo(Duration.ofMillis(1200));
        for (int i = 0; i < 1_000; i++) {
            assertThat(p.backoffBefore(3)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        }
        RetryPolicy none = RetryPolicy.newBuilder().jitter(0).build();
        assertThat(none.backoffBefore(2, () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(none.backoffBefore(2, () -> 0.99)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void defaultMaxBackoffFollowsALongInitialBackoff() {
        RetryPolicy p =
                RetryPolicy.newBuilder().initialBackoff(Duration.ofMinutes(2)).build();
        assertThat(p.maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void doNotRetryMatchesSubclassesAndNonRetryableIsNeverRetried() {
        RetryPolicy p = RetryPolicy.newBuilder()
                .doNotRetry(IllegalArgumentException.class, IOException.class)
                .build();
        assertThat(p.isRetryable(new IllegalArgumentException())).isFalse();
        assertThat(p.isRetryable(new NumberFormatException())).isFalse(); // subclass
        assertThat(p.isRetryable(new IOException())).isFalse();
        assertThat(p.isRetryable(new UncheckedIOException(new IOException()))).isTrue(); // cause not inspected
        assertThat(p.isRetryable(new IllegalStateException())).isTrue();
        assertThat(p.isRetryable(new NonRetryableException("no"))).isFalse();
        assertThat(RetryPolicy.getDefaultInstance().isRetryable(new NonRetryableException("no")))
                .isFalse();
    }

    @Test
    void noneTriesOnce() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void builderCopiesAndAccumulates() {
        RetryPolicy a = RetryPolicy.newBuilder()
                .maxAttempts(7)
                .doNotRetry(IOException.class)
                .build();
        RetryPolicy b = RetryPolicy.newBuilder(a)
                .doNotRetry(IllegalStateException.class)
                .build();
        assertThat(b.maxAttempts()).isEqualTo(7);
        assertThat(b.doNotRetry()).containsExactly(IOException.class, IllegalStateException.class);
        assertThat(a.doNotRetry()).containsExactly(IOException.class);
        assertThat(RetryPolicy.newBuilder(a).build()).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.toString()).contains("maxAttempts=7", "IOException");
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> RetryPolicy.newBuilder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder().initialBackoff(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder().multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder().multiplier(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder().jitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder().initialBackoff(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryPolicy.newBuilder()
                        .initialBackoff(Duration.ofSeconds(10))
                        .maxBackoff(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> RetryPolicy.getDefaultInstance().backoffBefore(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
