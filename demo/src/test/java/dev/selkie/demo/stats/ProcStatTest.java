package dev.selkie.demo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    /** A two-core machine's /proc/stat (Linux 6.x: ten fields per cpu line). */
    private static final String BEFORE = String.join("\n",
            "cpu  2004501 6679 582842 2555135 2884 0 189730 80013 0 0",
            "cpu0 1000 0 500 8000 500 0 0 0 0 0",
            "cpu1 200 100 100 9000 0 50 50 0 0 0",
            "intr 35102983 0 0 0 0",
            "ctxt 94867690",
            "btime 1700000000",
            "processes 12345",
            "procs_running 2",
            "procs_blocked 0",
            "softirq 1 2 3 4",
            "");

    /** One second later: cpu0 busy 300 of 400 ticks (75 %), cpu1 busy 10 of 100 (10 %; iowait is idle). */
    private static final String AFTER = String.join("\n",
            "cpu  2004901 6679 582942 2555335 2884 0 189730 80013 0 0",
            "cpu0 1200 0 600 8050 550 0 0 0 0 0",
            "cpu1 205 100 102 9080 10 51 52 0 0 0",
            "intr 35103983 0 0 0 0",
            "");

    @Test
    void parsesTheCoreLinesOnly() {
        SortedMap<Integer, ProcStat.CoreTicks> cores = ProcStat.parse(BEFORE);
        assertEquals(List.of(0, 1), List.copyOf(cores.keySet()), "the aggregate cpu line and the rest are skipped");
        assertEquals(new ProcStat.CoreTicks(1500, 10000), cores.get(0), "busy = all but idle and iowait");
        assertEquals(new ProcStat.CoreTicks(500, 9500), cores.get(1));
    }

    @Test
    void busyPercentPerCoreBetweenTwoReadings() {
        assertEquals(List.of(75.0, 10.0), ProcStat.busyPercent(ProcStat.parse(BEFORE), ProcStat.parse(AFTER)));
    }

    @Test
    void guestTicksAreNotCountedTwice() {
        // guest and guest_nice are already inside user and nice
        String before = "cpu0 100 0 0 100 0 0 0 0 0 0\n";
        String after = "cpu0 150 0 0 150 0 0 0 0 40 10\n";
        assertEquals(List.of(50.0), ProcStat.busyPercent(ProcStat.parse(before), ProcStat.parse(after)));
    }

    @Test
    void olderKernelsWithFewerFieldsAndStealTime() {
        // Linux 2.6.0-2.6.10 has four fields after the name; steal (field 8) counts as busy
        String before = "cpu0 10 0 10 80\ncpu1 0 0 0 100 0 0 0 0\n";
        String after = "cpu0 20 0 20 160\ncpu1 0 0 0 150 0 0 0 50\n";
        assertEquals(List.of(20.0, 50.0), ProcStat.busyPercent(ProcStat.parse(before), ProcStat.parse(after)));
    }

    @Test
    void anOfflineCoreIsNullAndKeepsTheOthersInPlace() {
        // cpu1 went offline between the readings: it has no line in the second one
        String before = "cpu0 0 0 0 100\ncpu1 0 0 0 100\ncpu2 0 0 0 100\n";
        String after = "cpu0 50 0 0 150\ncpu2 100 0 0 100\n";
        List<Double> busy = ProcStat.busyPercent(ProcStat.parse(before), ProcStat.parse(after));
        assertEquals(Arrays.asList(50.0, null, 100.0), busy);
        // and a core that comes online has no earlier reading
        assertEquals(Arrays.asList(null, null, null), ProcStat.busyPercent(ProcStat.parse(""), ProcStat.parse(before)));
    }

    @Test
    void noTicksOrCountersGoingBackwardsGiveNull() {
        String same = "cpu0 10 0 10 80\n";
        assertNull(ProcStat.busyPercent(ProcStat.parse(same), ProcStat.parse(same)).get(0), "no tick passed");
        String back = "cpu0 5 0 10 90\n";
        assertNull(ProcStat.busyPercent(ProcStat.parse(same), ProcStat.parse(back)).get(0), "busy went backwards");
    }

    @Test
    void skipsLinesItDoesNotUnderstand() {
        String text = String.join("\n",
                "cpu0 1 2 3", // too few fields
                "cpux 1 2 3 4",
                "cpu-1 1 2 3 4",
                "cpu3 1 2 three 4",
                "cpu4 1 2 3 -4",
                "cpu99999 1 2 3 4", // past Linux's NR_CPUS
                "cpu5 99999999999999999999 0 0 0", // past a long
                "cpu6\t1  2 3 4", // other white space is fine
                "");
        assertEquals(List.of(6), List.copyOf(ProcStat.parse(text).keySet()));
        assertTrue(ProcStat.parse("").isEmpty());
        assertEquals(List.of(), ProcStat.busyPercent(ProcStat.parse(""), ProcStat.parse("")));
    }

    @Test
    void perCoreUsageReadsTheTextOnEachSample() {
        Deque<String> readings = new ArrayDeque<>(List.of(BEFORE, AFTER, AFTER));
        CpuUsage cpu = new CpuUsage.PerCore(readings::removeFirst);
        assertEquals("proc-stat", cpu.source());
        assertEquals(List.of(75.0, 10.0), cpu.sample(), "the first sample is since construction");
        assertEquals(Arrays.asList(null, null), cpu.sample(), "no tick since the previous sample");
    }

    @Test
    void jvmUsageIsOneSeriesInPercent() {
        assertEquals(List.of(42.5), new CpuUsage.Jvm(() -> 0.425).sample());
        assertEquals(Arrays.asList((Double) null), new CpuUsage.Jvm(() -> -1).sample(), "negative: unknown");
        assertEquals(Arrays.asList((Double) null), new CpuUsage.Jvm(() -> Double.NaN).sample());
        assertEquals("jvm", new CpuUsage.Jvm(() -> 0).source());
    }

    @Test
    void detectsPerCoreOnLinux() {
        CpuUsage cpu = CpuUsage.detect();
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertEquals("proc-stat", cpu.source());
            assertTrue(!cpu.sample().isEmpty(), "one entry per core");
        } else {
            assertEquals("jvm", cpu.source());
            assertEquals(1, cpu.sample().size());
        }
        assertNotNull(cpu.sample());
    }
}
