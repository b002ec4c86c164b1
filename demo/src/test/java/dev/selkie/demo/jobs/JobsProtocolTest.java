package dev.selkie.demo.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobsProtocolTest {
    private static final Map<String, JobTemplate> JOBS = Map.of("echo", JobTemplate.parse("echo=echo {target}"));

    @Test
    void runAndCancel() {
        JobsProtocol.Run run = assertInstanceOf(JobsProtocol.Run.class,
                JobsProtocol.parse("{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a,b[1-2]\"}", JOBS));
        assertEquals("echo", run.job().name());
        assertEquals(List.of("a", "b1", "b2"), run.targets());
        assertInstanceOf(JobsProtocol.Cancel.class, JobsProtocol.parse("{\"type\":\"cancel\"}", JOBS));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"run\",\"job\":\"rm\",\"targets\":\"a\"}",
        "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a;rm -rf /\"}",
        "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"$(id)\"}",
        "{\"type\":\"run\",\"job\":\"echo\"}",
        "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a\",\"command\":\"id\"}",
        "{\"type\":\"run\",\"job\":1,\"targets\":\"a\"}",
        "{\"type\":\"exec\",\"command\":\"id\"}",
        "{\"type\":\"cancel\",\"now\":true}",
        "{\"job\":\"echo\"}",
        "[\"run\"]",
        "not json",
        "{\"type\":\"run\",\"type\":\"run\",\"job\":\"echo\",\"targets\":\"a\"}",
    })
    void badMessagesAreRefusedWithAReason(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobsProtocol.parse(raw, JOBS));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void tooLargeIsRefusedBeforeParsing() {
        String raw = "{\"type\":\"run\",\"job\":\"echo\",\"targets\":\"" + "a".repeat(3000) + "\"}";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JobsProtocol.parse(raw, JOBS))
                .getMessage().contains("too large"));
    }

    @Test
    void statusLinesAreColoured() throws Exception {
        assertTrue(dev.selkie.demo.json.Json.parseObject(JobsProtocol.status("web1", "ok", 0, "")).get("text").toString()
                .contains("\u001b[32m"));
        assertTrue(JobsProtocol.status("web1", "failed", 3, "").contains("failed with exit code 3"));
        assertTrue(JobsProtocol.status("web1", "timeout", null, "2s").contains("timed out after 2s"));
    }
}
