package dev.selkie.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.demo.tls.SelfSignedCertificate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Headless Chromium against the echo command (a separate JVM), over {@code ws://} and over
 * {@code wss://} (a self-signed certificate the browser is told to trust by its key), with
 * permessage-deflate on (the default) and off: the try-it page says what was negotiated, {@code ws.extensions} agrees, JSON
 * text, UTF-8, a 1 MiB binary and a fragment-sized text come back unchanged, and SIGTERM closes the
 * page's connection with 1001.
 */
class EchoBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path profiles;

    private static WebDriver browser;

    private static Path certificate;
    private static Path key;

    @BeforeAll
    static void browser() throws Exception {
        BrowserSupport.requireChromium();
        SelfSignedCertificate self = SelfSignedCertificate.generate();
        certificate = profiles.resolve("cert.pem");
        key = profiles.resolve("key.pem");
        self.writePem(certificate, key);
        // trust exactly this test certificate, nothing else
        browser = BrowserSupport.start(profiles, "--ignore-certificate-errors-spki-list=" + self.publicKeyPin());
        browser.manage().timeouts().scriptTimeout(WAIT);
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Opens a socket from the page, echoes each message, and answers with what it saw. */
    private static final String ECHO_SCRIPT = """
            const done = arguments[arguments.length - 1];
            const ws = new WebSocket(arguments[0]);
            ws.binaryType = 'arraybuffer';
            const json = JSON.stringify({user: 'chromium', text: 'hello, room '.repeat(300)});
            const utf8 = 'κόσμε €😀 '.repeat(500);
            const big = new Uint8Array(1 << 20);
            for (let i = 0; i < big.length; i++) { big[i] = (i * 31 + (i >> 8)) & 0xff; }
            const sent = [json, utf8, big, 'x'];
            const results = [];
            ws.onopen = () => sent.forEach((m) => ws.send(m));
            ws.onmessage = (e) => {
              const expected = sent[results.length];
              let same;
              if (typeof expected === 'string') {
                same = e.data === expected;
              } else {
                const got = new Uint8Array(e.data);
                same = got.length === expected.length && got.every((b, i) => b === expected[i]);
              }
              results.push(same);
              if (results.length === sent.length) {
                done({extensions: ws.extensions, results: results});
                ws.close(1000);
              }
            };
            ws.onerror = () => done({error: 'error'});
            """;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"ws, deflate", "ws, no-deflate", "wss, deflate", "wss, no-deflate"})
    void thePageAndTheBrowsersSocketEchoWithTheNegotiatedCompression(String scheme, String mode) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("echo", "--port", "0"));
        if (mode.equals("no-deflate")) {
            args.add("--no-deflate");
        }
        if (scheme.equals("wss")) {
            args.addAll(List.of("--tls-cert", certificate.toString(), "--tls-key", key.toString()));
        }
        try (DemoProcess demo = DemoProcess.start(args.toArray(String[]::new))) {
            String url = demo.awaitUrl();
            assertTrue(url.startsWith(scheme + "://"), url);
            int port = URI.create(url).getPort();
            browser.get((scheme.equals("wss") ? "https" : "http") + "://127.0.0.1:" + port + "/");
            browser.findElement(By.id("connect")).click();
            await("connected").atMost(WAIT).until(() -> status().startsWith("Connected"));
            if (mode.equals("deflate")) {
                assertTrue(status().contains("compression: permessage-deflate"), status());
            } else {
                assertTrue(status().endsWith("no compression"), status());
            }

            @SuppressWarnings("unchecked")
            Map<String, Object> outcome = (Map<String, Object>) ((JavascriptExecutor) browser)
                    .executeAsyncScript(ECHO_SCRIPT, url);
            assertEquals(List.of(true, true, true, true), outcome.get("results"), "echoes: " + outcome);
            String extensions = (String) outcome.get("extensions");
            if (mode.equals("deflate")) {
                assertTrue(extensions.startsWith("permessage-deflate"), extensions);
                assertTrue(extensions.contains("client_no_context_takeover"), extensions);
                assertTrue(extensions.contains("server_no_context_takeover"), extensions);
            } else {
                assertEquals("", extensions);
            }

            demo.process.destroy(); // SIGTERM
            await("the page sees the server go away").atMost(WAIT).until(() -> status().startsWith("Closed"));
            assertTrue(status().startsWith("Closed: 1001 "), status());
            assertEquals(0, demo.awaitExit(WAIT), demo.stderr());
        }
    }

    private static String status() {
        return browser.findElement(By.id("status")).getText();
    }
}
