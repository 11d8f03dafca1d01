package dev.baton.worker.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs items on an executor, at most {@code concurrency} at a time, and items with the same key
 * one after another in submission order (commands of one instance never overlap). A thread that
 * finishes an item takes the next runnable one itself, so a busy dispatcher needs no hand-off
 * through the submitting thread. Thread-safe.
 *
 * @param <T> the item type
 */
public final class KeyedDispatcher<T> {

    private static final System.Logger LOG = System.getLogger(KeyedDispatcher.class.getName());

    private final int concurrency;
    private final Executor executor;
    private final Function<T, String> keyOf;
    private final Consumer<T> runner;

    private final Map<String, ArrayDeque<T>> queues = new HashMap<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final Set<String> busy = new HashSet<>();
    private int queued;
    private int active;
    private boolean shutdown;

    /**
     * Creates a dispatcher.
     *
     * @param concurrency the most items running at once
     * @param executor runs the items; needs at least {@code concurrency} threads
     * @param keyOf the key of an item; items with equal keys never run at once
     * @param runner what to do with an item; exceptions are logged and swallowed
     */
    public KeyedDispatcher(int concurrency, Executor executor, Function<T, String> keyOf, Consumer<T> runner) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be 1 or more");
        }
        this.concurrency = concurrency;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * Queues an item; it runs as soon as a slot is free and no item with its key runs.
     *
     * @param item the item
     * @throws IllegalStateException after {@link #shutdown()}
     */
    public synchronized void submit(T item) {
        if (shutdown) {
            throw new IllegalStateException("dispatcher is shut down");
        }
        String key = keyOf.apply(item);
        ArrayDeque<T> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        queue.addLast(item);
        queued++;
        if (queue.size() == 1 && !busy.contains(key)) {
            ready.addLast(key);
        }
        launch();
    }

    private void launch() {
        while (active < concurrency && !ready.isEmpty()) {
            T item = takeReady();
            active++;
            try {
                executor.execute(() -> drain(item));
            } catch (RejectedExecutionException e) {
                active--;
                busy.remove(keyOf.apply(item));
                queues.computeIfAbsent(keyOf.apply(item), k -> new ArrayDeque<>())
                        .addFirst(item);
                queued++;
                ready.addFirst(keyOf.apply(item));
                throw e;
            }
        }
    }

    private T takeReady() {
        String key = ready.pollFirst();
        ArrayDeque<T> queue = queues.get(key);
        T item = queue.pollFirst();
        if (queue.isEmpty()) {
            queues.remove(key);
        }
        queued--;
        busy.add(key);
        return item;
    }

    private void drain(T first) {
        T item = first;
        while (item != null) {
            try {
                runner.accept(item);
            } catch (Throwable t) {
                final T failed = item;
                LOG.log(Level.ERROR, () -> "Unexpected failure handling " + failed, t);
            }
            synchronized (this) {
                String key = keyOf.apply(item);
                busy.remove(key);
                if (queues.containsKey(key)) {
                    ready.addLast(key);
                }
                if (!shutdown && !ready.isEmpty()) {
                    item = takeReady();
                } else {
                    item = null;
                    active--;
                }
            }
        }
    }

    /**
     * Removes queued (not yet running) items that match.
     *
     * @param filter which items to remove
     * @return the removed items
     */
    public synchronized List<T> removeQueuedIf(Predicate<? super T> filter) {
        List<T> removed = new ArrayList<>();
        Iterator<Map.Entry<String, ArrayDeque<T>>> it = queues.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, ArrayDeque<T>> e = it.next();
            Iterator<T> items = e.getValue().iterator();
            while (items.hasNext()) {
                T item = items.next();
                if (filter.test(item)) {
                    items.remove();
                    removed.add(item);
                }
            }
            if (e.getValue().isEmpty()) {
                it.remove();
                ready.remove(e.getKey());
            }
        }
        queued -= removed.size();
        return removed;
    }

    /**
     * Stops starting items: running ones finish, queued ones are removed and returned.
     *
     * @return the items that were queued
     */
    public synchronized List<T> shutdown() {
        shutdown = true;
        return removeQueuedIf(item -> true);
    }

    /**
     * How many items wait for a slot or for their key.
     *
     * @return the count
     */
    public synchronized int queuedCount() {
        return queued;
    }

    /**
     * How many items run now.
     *
     * @return the count, at most the concurrency
     */
    public synchronized int activeCount() {
        return active;
    }
}
