package dev.baton.bench;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The line that shows a phase going on: on a terminal rewritten in place every second, else a line every 5 s. */
final class Progress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    Progress(String phase, long totalSeconds, LongSupplier completed, Supplier<String> extra) {
        boolean tty = System.console() != null;
        long start = System.nanoTime();
        thread = new Thread(
                () -> {
                    long lastCount = completed.getAsLong();
                    long lastAt = System.nanoTime();
                    int ticks = 0;
                    while (running) {
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                        long now = System.nanoTime();
                        long count = completed.getAsLong();
                        double rate = (count - lastCount) * 1e9 / (now - lastAt);
                        lastCount = count;
                        lastAt = now;
                        ticks++;
                        String line = String.format(
                                "  %-18s %4d/%d s  completed %,9d  %,8.0f/s  %s",
                                phase, (now - start) / 1_000_000_000L, totalSeconds, count, rate, extra.get());
                        if (tty) {
                            System.err.print("\r" + line + "   ");
                            System.err.flush();
                        } else if (ticks % 5 == 0) {
                            System.err.println(line);
                        }
                    }
                },
                "progress");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (System.console() != null) {
            System.err.print("\r" + " ".repeat(110) + "\r");
            System.err.flush();
        }
    }
}
