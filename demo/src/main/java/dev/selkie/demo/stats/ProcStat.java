package dev.selkie.demo.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-core lines of Linux's {@code /proc/stat} ({@code cpuN user nice system idle iowait irq softirq
 * steal guest guest_nice}, in clock ticks since boot) and the busy share of each core between two readings.
 * Pure functions of the text: the caller reads the file.
 */
final class ProcStat {
    /** One core's cumulative ticks: all of them, and the busy ones (all but idle and iowait). */
    record CoreTicks(long busy, long total) {
    }

    /** Linux's largest NR_CPUS: a higher core number is not a real core line. */
    static final int MAX_CORES = 8192;

    private ProcStat() {
    }

    /**
     * The cores of a {@code /proc/stat} text by number ({@code cpu0}, {@code cpu1}, ...; the aggregate
     * {@code cpu} line and the other lines are skipped). A core line with fewer than the four fields every
     * kernel has, or with a field that is not a number, is skipped too; missing later fields count as 0.
     */
    static SortedMap<Integer, CoreTicks> parse(String text) {
        SortedMap<Integer, CoreTicks> cores = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].startsWith("cpu") || f[0].length() == 3) {
                continue;
            }
            try {
                int core = Integer.parseInt(f[0].substring(3));
                long[] t = new long[8]; // user nice system idle iowait irq softirq steal; guest is inside user
                for (int i = 0; i < t.length && i + 1 < f.length; i++) {
                    t[i] = Long.parseLong(f[i + 1]);
                    if (t[i] < 0) {
                        throw new NumberFormatException("negative");
                    }
                }
                long idle = t[3] + t[4];
                long total = 0;
                for (long v : t) {
                    total += v;
                }
                if (core >= 0 && core < MAX_CORES) {
                    cores.put(core, new CoreTicks(total - idle, total));
                }
            } catch (NumberFormatException e) {
                // not a core line we understand
            }
        }
        return cores;
    }

    /**
     * Each core's busy percentage (0-100) between two readings, indexed by core number up to the highest
     * core of {@code now}; {@code null} for a core missing from either reading (offline), for one whose
     * counters went backwards, or when no tick passed.
     */
    static List<Double> busyPercent(Map<Integer, CoreTicks> before, SortedMap<Integer, CoreTicks> now) {
        if (now.isEmpty()) {
            return List.of();
        }
        List<Double> busy = new ArrayList<>(Collections.nCopies(now.lastKey() + 1, (Double) null));
        now.forEach((core, n) -> {
            CoreTicks b = before.get(core);
            if (b == null) {
                return;
            }
            long total = n.total() - b.total();
            long used = n.busy() - b.busy();
            if (total <= 0 || used < 0 || used > total) {
                return;
            }
            busy.set(core, Math.round(1000.0 * used / total) / 10.0);
        });
        return busy;
    }
}
