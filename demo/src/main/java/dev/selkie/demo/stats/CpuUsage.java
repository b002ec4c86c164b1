package dev.selkie.demo.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * CPU busy percentages for the dashboard, one figure per series: per core from {@code /proc/stat} on
 * Linux, else one series with the machine's load as the JVM's {@link OperatingSystemMXBean} reports it.
 * Not thread-safe: the sampler thread calls {@link #sample()}.
 */
abstract class CpuUsage {
    /** Where the figures come from, written into the samples: {@code "proc-stat"} or {@code "jvm"}. */
    abstract String source();

    /**
     * Busy percent (0-100, finite) per series since the previous call (the first: since construction);
     * null = unknown.
     */
    abstract List<Double> sample();

    /** Per core from {@code /proc/stat} when it is readable and lists cores, the JVM's figure otherwise. */
    static CpuUsage detect() {
        Path procStat = Path.of("/proc/stat");
        try {
            if (Files.isReadable(procStat) && !ProcStat.parse(Files.readString(procStat)).isEmpty()) {
                return new PerCore(() -> {
                    try {
                        return Files.readString(procStat);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a /proc/stat we cannot read: fall back
        }
        return new Jvm(jvmCpuLoad(ManagementFactory.getOperatingSystemMXBean()));
    }

    private static DoubleSupplier jvmCpuLoad(OperatingSystemMXBean os) {
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os)::getCpuLoad;
        }
        return () -> -1;
    }

    /** One series per core: the busy share of each core's ticks between two readings of {@code /proc/stat}. */
    static final class PerCore extends CpuUsage {
        private final Supplier<String> procStat;
        private SortedMap<Integer, ProcStat.CoreTicks> last;

        /** @param procStat the current text of {@code /proc/stat}, read on each call */
        PerCore(Supplier<String> procStat) {
            this.procStat = procStat;
            this.last = ProcStat.parse(procStat.get());
        }

        @Override
        String source() {
            return "proc-stat";
        }

        @Override
        List<Double> sample() {
            SortedMap<Integer, ProcStat.CoreTicks> now = ProcStat.parse(procStat.get());
            List<Double> busy = ProcStat.busyPercent(last, now);
            last = now;
            return busy;
        }
    }

    /** One series: the machine's CPU load (0..1, negative if unknown) as the JVM sees it, in percent. */
    static final class Jvm extends CpuUsage {
        private final DoubleSupplier load;

        Jvm(DoubleSupplier load) {
            this.load = load;
        }

        @Override
        String source() {
            return "jvm";
        }

        @Override
        List<Double> sample() {
            double v = load.getAsDouble();
            return Collections.singletonList(Double.isFinite(v) && v >= 0 && v <= 1 ? Math.round(v * 1000) / 10.0 : null);
        }
    }
}
