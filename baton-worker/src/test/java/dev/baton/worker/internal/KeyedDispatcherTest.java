package dev.baton.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedDispatcherTest {

    private record Item(String key, int n) {}

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void neverRunsMoreThanTheConcurrencyNorTwoOfTheSameKey() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
        List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<Integer>> order = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(200);
        KeyedDispatcher<Item> d = new KeyedDispatcher<>(3, pool, Item::key, item -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (perKey.computeIfAbsent(item.key(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.add(item.key());
            }
            order.computeIfAbsent(item.key(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(item.n());
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            perKey.get(item.key()).decrementAndGet();
            running.decrementAndGet();
            done.countDown();
        });
        for (int i = 0; i < 200; i++) {
            d.submit(new Item("k" + (i % 7), i));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).isBetween(2, 3);
        assertThat(overlaps).isEmpty();
        order.values().forEach(ns -> assertThat(ns).isSorted());
        await().until(() -> d.activeCount() == 0);
        assertThat(d.queuedCount()).isZero();
    }

    @Test
    void itemsOfABusyKeyWaitWhileOthersRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        KeyedDispatcher<Item> d = new KeyedDispatcher<>(2, pool, Item::key, item -> {
            ran.add(item.n());
            if (item.n() == 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        d.submit(new Item("a", 1)); // blocks
        d.submit(new Item("a", 2)); // waits for 1
        d.submit(new Item("b", 3)); // runs on the second slot
        await().until(() -> ran.contains(3));
        assertThat(ran).doesNotContain(2);
        assertThat(d.queuedCount()).isEqualTo(1);
        release.countDown();
        await().until(() -> ran.contains(2));
        assertThat(ran).containsExactlyInAnyOrder(1, 3, 2);
    }

    @Test
    void queuedItemsCanBeRemovedAndShutdownReturnsTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        KeyedDispatcher<Item> d = new KeyedDispatcher<>(1, pool, Item::key, item -> {
            ran.add(item.n());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        d.submit(new Item("a", 1));
        d.submit(new Item("b", 2));
        d.submit(new Item("c", 3));
        d.submit(new Item("b", 4));
        await().until(() -> ran.contains(1));
        assertThat(d.removeQueuedIf(i -> i.key().equals("b")))
                .extracting(Item::n)
                .containsExactlyInAnyOrder(2, 4);
        assertThat(d.queuedCount()).isEqualTo(1);
        assertThat(d.shutdown()).extracting(Item::n).containsExactly(3);
        release.countDown();
        await().until(() -> d.activeCount() == 0);
        assertThat(ran).containsExactly(1);
    }

    @Test
    void aFailingItemDoesNotStopTheOthers() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        KeyedDispatcher<Item> d = new KeyedDispatcher<>(1, pool, Item::key, item -> {
            ran.add(item.n());
            if (item.n() == 1) {
                throw new IllegalStateException("boom");
            }
        });
        d.submit(new Item("a", 1));
        d.submit(new Item("a", 2));
        await().until(() -> ran.size() == 2);
    }
}
