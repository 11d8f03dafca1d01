package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU use over an interval: of given processes (in cores) and of the whole machine (busy share of all cores). */
final class Cpu {
    private final List<Long> pids;
    private final long[] startNanos;
    private final long startWall;
    private final long[] startMachine;

    Cpu(List<Long> pids) {
        this.pids = new ArrayList<>(pids);
        this.startNanos = new long[pids.size()];
        for (int i = 0; i < pids.size(); i++) {
            startNanos[i] = ChildJvm.cpuNanos(pids.get(i));
        }
        this.startMachine = machine();
        this.startWall = System.nanoTime();
    }

    /** Cores used by each process since construction (1.0 = one core busy all the time). */
    double[] cores() {
        double wall = System.nanoTime() - startWall;
        double[] c = new double[pids.size()];
        for (int i = 0; i < pids.size(); i++) {
            c[i] = round2((ChildJvm.cpuNanos(pids.get(i)) - startNanos[i]) / wall);
        }
        return c;
    }

    /** The busy share of the machine's CPU since construction, 0..1. */
    double machineBusy() {
        long[] now = machine();
        long total = now[0] - startMachine[0];
        long idle = now[1] - startMachine[1];
        return total <= 0 ? Double.NaN : round2(1.0 - (double) idle / total);
    }

    /** {total, idle+iowait} jiffies from /proc/stat. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
