package dev.selkie.demo;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A server out of file descriptors: {@code accept()} fails while the listening socket stays
 * readable. The loop must pause accepting instead of spinning on it (a warning per turn, thousands a
 * second), keep serving the connections it has, and accept again once descriptors are free.
 */
class AcceptFailureProcessTest {
    private static final int MAX_OPEN_FILES = 256;

    @Test
    @EnabledOnOs(OS.LINUX) // counts the child's descriptors in /proc
    void outOfDescriptorsTheLoopPausesAcceptingKeepsServingAndRecovers() throws Exception {
        try (DemoProcess demo = DemoProcess.startWithFileLimit(MAX_OPEN_FILES, "echo", "--port", "0")) {
            String url = demo.awaitUrl();
            int port = URI.create(url).getPort();
            try (TestClient first = TestClient.connect(url)) {
                first.send("before");
                await().atMost(Duration.ofSeconds(10)).until(() -> first.texts.contains("before"));
                long used;
                try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(demo.process.pid()), "fd"))) {
                    used = fds.count();
                }
                List<Socket> hogs = new ArrayList<>();
                try {
                    // connections the kernel completes from the backlog; the server runs out accepting them
                    for (long i = used; i < MAX_OPEN_FILES + 20; i++) {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                        hogs.add(socket);
                    }
                    await("the failed accept is logged").atMost(Duration.ofSeconds(10))
                            .until(() -> demo.stderr().contains("accept failed"));
                    first.send("while out of descriptors");
                    await().atMost(Duration.ofSeconds(10)).until(() -> first.texts.contains("while out of descriptors"));
                    // a spinning loop would log one warning per turn; a paused one at most one per 10 s
                    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                            .until(() -> occurrences(demo.stderr(), "accept failed") <= 2);
                } finally {
                    for (Socket socket : hogs) {
                        socket.close();
                    }
                }
                await("accepting again once descriptors are free").atMost(Duration.ofSeconds(30))
                        .ignoreExceptions().until(() -> {
                            try (TestClient again = TestClient.connect(url)) {
                                again.send("after");
                                await().atMost(Duration.ofSeconds(5)).until(() -> again.texts.contains("after"));
                                return true;
                            }
                        });
            }
        }
    }

    private static int occurrences(String text, String what) {
        int count = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            count++;
        }
        return count;
    }
}
