package dev.selkie.demo.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTemplateTest {
    @Test
    void theTemplateIsSplitOnceAndTheTargetIsOneArgument() {
        JobTemplate disk = JobTemplate.parse("disk=df -h {target}");
        assertEquals("disk", disk.name());
        assertEquals(List.of("df", "-h", "{target}"), disk.argv());
        assertEquals(List.of("df", "-h", "web1"), disk.argv("web1"));
        JobTemplate quoted = JobTemplate.parse("say = echo 'hello  world' \"to {target}\" --host={target}");
        assertEquals("say", quoted.name());
        assertEquals(List.of("echo", "hello  world", "to web2", "--host=web2"), quoted.argv("web2"));
        assertEquals(List.of("uptime"), JobTemplate.parse("up=uptime").argv("any"));
        assertEquals("echo 'hello  world' 'to {target}' --host={target}", quoted.display());
        assertEquals(List.of("sh", "-c", "echo $0", ""), JobTemplate.parse("e=sh -c 'echo $0' ''").argv());
    }

    @Test
    void aTargetThatIsNotOneIsRefusedBeforeAnyArgumentIsMade() {
        JobTemplate disk = JobTemplate.parse("disk=df -h {target}");
        assertThrows(IllegalArgumentException.class, () -> disk.argv("a;rm -rf /"));
        assertThrows(IllegalArgumentException.class, () -> disk.argv("$(id)"));
        assertThrows(IllegalArgumentException.class, () -> disk.argv("-x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"df -h", "=df", "Disk=df", "disk=", "disk=   ", "a b=df", "disk=echo 'open",
        "x23456789012345678901234567890123=true"})
    void badTemplatesAreRefused(String spec) {
        assertThrows(IllegalArgumentException.class, () -> JobTemplate.parse(spec));
    }
}
