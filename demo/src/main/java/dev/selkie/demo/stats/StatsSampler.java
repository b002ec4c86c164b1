package dev.selkie.demo.stats;

import dev.selkie.ServerMetrics;
import com.fasterxml.jackson.jr.ob.comp.ObjectComposer;
import dev.selkie.demo.json.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns successive {@link ServerMetrics} snapshots into per-second rates plus JVM heap and CPU load and
 * the busy percent of each CPU core ({@link CpuUsage}), as one JSON object per sample. Not thread-safe: one scheduler thread calls {@link #sample()}.
 */
public final class StatsSampler {
    /** The counters a sample is made of (a {@link ServerMetrics} has no public constructor: tests make these). */
    record Counts(long openConnections, long messagesIn, long messagesOut, long bytesIn, long bytesOut,
                  long queuedBytes, long droppedMessages) {
        static Counts of(ServerMetrics m) {
            return new Counts(m.openConnections(), m.messagesIn(), m.messagesOut(), m.bytesIn(), m.bytesOut(),
                    m.queuedBytes(), m.droppedMessages());
        }
    }

    private final Supplier<Counts> metrics;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClockMillis;
    private final CpuUsage cpu;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    private Counts last;
    private long lastNanos;

    /**
     * @param metrics where snapshots come from ({@code server::metrics})
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     * @param wallClockMillis the time stamp written into samples ({@code System::currentTimeMillis})
     */
    public StatsSampler(Supplier<ServerMetrics> metrics, LongSupplier nanoClock, LongSupplier wallClockMillis) {
        this(nanoClock, wallClockMillis, () -> Counts.of(metrics.get()), CpuUsage.detect());
    }

    /** A sampler of counts from {@code counts} and CPU figures from {@code cpu} (tests). */
    static StatsSampler ofCounts(Supplier<Counts> counts, LongSupplier nanoClock, LongSupplier wallClockMillis,
                                 CpuUsage cpu) {
        return new StatsSampler(nanoClock, wallClockMillis, counts, cpu);
    }

    private StatsSampler(LongSupplier nanoClock, LongSupplier wallClockMillis, Supplier<Counts> metrics,
                         CpuUsage cpu) {
        this.metrics = metrics;
        this.cpu = cpu;
        this.nanoClock = nanoClock;
        this.wallClockMillis = wallClockMillis;
    }

    /** Takes a snapshot and returns the sample as JSON; rates are 0 on the first call. */
    public String sample() {
        Counts now = metrics.get();
        long nanos = nanoClock.getAsLong();
        double seconds = last == null ? 0 : (nanos - lastNanos) / 1e9;
        Counts before = last == null ? now : last;
        last = now;
        lastNanos = nanos;
        MemoryUsage heap = memory.getHeapMemoryUsage();
        List<Double> cores = cpu.sample();
        return Json.object(o -> {
            o.put("type", "stats")
                    .put("time", wallClockMillis.getAsLong())
                    .put("connections", now.openConnections())
                    .put("messagesInPerSec", rate(now.messagesIn() - before.messagesIn(), seconds))
                    .put("messagesOutPerSec", rate(now.messagesOut() - before.messagesOut(), seconds))
                    .put("bytesInPerSec", rate(now.bytesIn() - before.bytesIn(), seconds))
                    .put("bytesOutPerSec", rate(now.bytesOut() - before.bytesOut(), seconds))
                    .put("queuedBytes", now.queuedBytes())
                    .put("droppedMessages", now.droppedMessages())
                    .put("heapUsed", heap.getUsed())
                    .put("heapMax", heap.getMax());
            putFinite(o, "processCpu", processCpuLoad());
            putFinite(o, "systemLoad", os.getSystemLoadAverage());
            // busy percent per core ("proc-stat") or one machine-wide figure ("jvm"); null where unknown
            o.put("cpuSource", cpu.source());
            o.putObject("cpuCores", cores);
        });
    }

    /** NaN and infinities, which JSON lacks (jackson would write the string "NaN"), as null. */
    private static void putFinite(ObjectComposer<?> o, String key, double value) throws IOException {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    private static long rate(long delta, double seconds) {
        return seconds <= 0 ? 0 : Math.round(delta / seconds);
    }

    /** The JVM's CPU load, 0..1 of the whole machine, or -1 if the platform does not tell. */
    private double processCpuLoad() {
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuLoad();
        }
        return -1;
    }
}
