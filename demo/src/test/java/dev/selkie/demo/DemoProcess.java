package dev.selkie.demo;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dev.selkie.demo.Main} in a child JVM on the test class path (the shaded jar is only built after
 * the tests): stdout collected line by line, stderr into a file.
 */
final class DemoProcess implements AutoCloseable {
    private static final Pattern WS_URL = Pattern.compile("wss?://[0-9.]+:(\\d+)/\\S*");

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final Path stderr;

    private DemoProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "demo-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static DemoProcess start(String... args) throws IOException {
        return start(new ArrayList<>(), args);
    }

    /**
     * As {@link #start(String...)}, with the child's limit of open files set to {@code maxOpenFiles}
     * by a POSIX shell that then becomes the JVM (same process id).
     */
    static DemoProcess startWithFileLimit(int maxOpenFiles, String... args) throws IOException {
        return start(new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "sh")),
                args);
    }

    /** As {@link #start(String...)}, with this maximum heap (e.g. {@code 64m}) instead of 128m. */
    static DemoProcess startWithHeap(String maxHeap, String... args) throws IOException {
        return start(new ArrayList<>(), maxHeap, args);
    }

    private static DemoProcess start(List<String> command, String... args) throws IOException {
        return start(command, "128m", args);
    }

    private static DemoProcess start(List<String> command, String maxHeap, String... args) throws IOException {
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Path err = Files.createTempFile("selkie-demo-", ".stderr");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()))
                .redirectError(err.toFile())
                .start();
        return new DemoProcess(p, err);
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stdout.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits for the printed ws:// URL and returns it. */
    String awaitUrl() {
        String[] url = new String[1];
        await("the ws:// URL on stdout").atMost(Duration.ofSeconds(30)).until(() -> {
            if (!process.isAlive() && url[0] == null) {
                throw new AssertionError("the demo exited with " + process.exitValue() + "; stderr:\n" + stderr());
            }
            for (String line : stdout) {
                Matcher m = WS_URL.matcher(line);
                if (m.find()) {
                    url[0] = m.group();
                    return true;
                }
            }
            return false;
        });
        return url[0];
    }

    /** Waits for the exit and returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the demo did not exit within " + timeout + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    String stdoutText() {
        return String.join("\n", stdout);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(stderr);
    }
}
