package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Service C's window switching, driven by a fake clock and a stand-in for the worker; no Kafka, no sleeping. */
class ShippingServiceTest {

    private final AtomicLong clock = new AtomicLong(1_000_000L); // any origin
    private final long origin = clock.get();
    private final List<Boolean> announced = new CopyOnWriteArrayList<>();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final Supplier<AutoCloseable> fakeWorker = () -> {
        starts.incrementAndGet();
        return closes::incrementAndGet;
    };
    private ShippingService c;

    private ArticleServices.Settings settings(Duration offline, Duration online) {
        return ArticleServices.Settings.of("localhost:1")
                .withBatchWindow(offline, online)
                .withServiceCListener(announced::add);
    }

    private void at(double seconds) {
        clock.set(origin + Math.round(seconds * 1e9));
    }

    @AfterEach
    void tearDown() {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void opensAndClosesWindowsWithAFreshWorkerEachTime() {
        c = new ShippingService(settings(Duration.ofSeconds(8), Duration.ofSeconds(4)), clock::get, fakeWorker);
        c.start(); // decides and announces the first (offline) phase

        assertThat(c.reconcile()).contains(Duration.ofSeconds(8));
        assertThat(announced).containsExactly(false);
        assertThat(c.isOnline()).isFalse();
        assertThat(starts).hasValue(0);

        at(8);
        assertThat(c.reconcile()).contains(Duration.ofSeconds(4));
        assertThat(announced).containsExactly(false, true);
        assertThat(c.isOnline()).isTrue();
        assertThat(c.isRunning()).isTrue();
        assertThat(starts).hasValue(1);

        at(10);
        assertThat(c.reconcile()).contains(Duration.ofSeconds(2));
        assertThat(announced).hasSize(2); // nothing changed

        at(12);
        c.reconcile();
        assertThat(announced).containsExactly(false, true, false);
        assertThat(closes).hasValue(1);
        assertThat(c.isRunning()).isFalse();

        at(20.5);
        c.reconcile();
        assertThat(announced).containsExactly(false, true, false, true);
        assertThat(starts).hasValue(2);
        assertThat(c.windowsOpened()).isEqualTo(2);

        c.close();
        assertThat(closes).hasValue(2);
        assertThat(c.reconcile()).isEmpty();
        assertThat(announced).hasSize(4); // closing is not a window change
    }

    @Test
    void aMissedSwitchIsCaughtUpInOneStep() {
        c = new ShippingService(settings(Duration.ofSeconds(8), Duration.ofSeconds(4)), clock::get, fakeWorker);
        c.start();
        c.reconcile();
        at(3 * 12 + 9); // three cycles later, online
        c.reconcile();
        assertThat(announced).containsExactly(false, true);
        assertThat(starts).hasValue(1);
    }

    @Test
    void alwaysOnlineStartsOneWorkerAndAnnouncesNothing() {
        c = new ShippingService(settings(Duration.ZERO, Duration.ofSeconds(4)), clock::get, fakeWorker);
        c.start();
        at(1_000);
        assertThat(c.reconcile()).isEmpty();
        assertThat(c.isOnline()).isTrue();
        assertThat(starts).hasValue(1);
        assertThat(announced).isEmpty();
        c.close();
        assertThat(closes).hasValue(1);
    }

    @Test
    void aWorkerThatCannotStartLeavesCOfflineUntilTheNextWindow() {
        AtomicInteger attempts = new AtomicInteger();
        Supplier<AutoCloseable> failingOnce = () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no broker");
            }
            return fakeWorker.get();
        };
        c = new ShippingService(settings(Duration.ofSeconds(8), Duration.ofSeconds(4)), clock::get, failingOnce);
        c.start();
        c.reconcile();
        at(8);
        assertThat(c.reconcile()).contains(Duration.ofSeconds(4));
        assertThat(c.isOnline()).isFalse();
        assertThat(announced).containsExactly(false);
        at(20);
        c.reconcile();
        assertThat(c.isOnline()).isTrue();
        assertThat(announced).containsExactly(false, true);
    }
}
