package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without Chromium the browser tests fail under CI and are skipped elsewhere. */
class BrowserSupportTest {
    private static final Path MISSING = Paths.get("/nonexistent/chromium");

    @Test
    void missingChromiumFailsInCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> BrowserSupport.requireChromium(MISSING, BrowserSupport.CHROMEDRIVER, "true"));
        assertTrue(e.getMessage().contains("apt-get install -y chromium chromium-driver"), e.getMessage());
    }

    @Test
    void missingChromiumSkipsOutsideCi() {
        assertThrows(TestAbortedException.class,
                () -> BrowserSupport.requireChromium(BrowserSupport.CHROMIUM, MISSING, null));
    }

    @Test
    void presentBinariesPass() {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        assertDoesNotThrow(() -> BrowserSupport.requireChromium(java, java, "true"));
    }
}
