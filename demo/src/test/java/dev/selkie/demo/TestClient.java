package dev.selkie.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that records what it receives, for tests. */
public final class TestClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Complete text messages, in arrival order. */
    public final List<String> texts = new CopyOnWriteArrayList<>();
    /** Complete binary messages, in arrival order. */
    public final List<byte[]> binaries = new CopyOnWriteArrayList<>();
    /** Pings received (the JDK client answers them itself). */
    public final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    /** Completed with the close code the server sent. */
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private final StringBuilder partialText = new StringBuilder();
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    private WebSocket ws;

    private TestClient() {
    }

    /** Connects and waits for the handshake. */
    public static TestClient connect(String uri) throws Exception {
        return connect(uri, Map.of());
    }

    /** Connects with extra headers (e.g. Origin) and waits for the handshake; failures propagate. */
    public static TestClient connect(String uri, Map<String, String> headers) throws Exception {
        return connect(uri, headers, HTTP);
    }

    /** Connects through {@code http} (e.g. one trusting a test certificate). */
    public static TestClient connect(String uri, Map<String, String> headers, HttpClient http) throws Exception {
        TestClient client = new TestClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        client.ws = builder.buildAsync(URI.create(uri), client).get(10, TimeUnit.SECONDS);
        return client;
    }

    /** An HTTP client that trusts exactly {@code certificate} (e.g. a demo's self-signed one). */
    public static HttpClient trusting(java.security.cert.X509Certificate certificate) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("server", certificate);
        javax.net.ssl.TrustManagerFactory trust =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The shared HTTP client (for plain requests in tests). */
    public static HttpClient http() {
        return HTTP;
    }

    /** Sends a text message and waits until it is handed to the socket. */
    public void send(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** Sends a binary message and waits until it is handed to the socket. */
    public void send(byte[] data) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (partialText) {
            partialText.append(data);
            if (last) {
                texts.add(partialText.toString());
                partialText.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        synchronized (partialBinary) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partialBinary.writeBytes(chunk);
            if (last) {
                binaries.add(partialBinary.toByteArray());
                partialBinary.reset();
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    /** Texts received so far that contain {@code fragment}. */
    public long count(String fragment) {
        return texts.stream().filter(t -> t.contains(fragment)).count();
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the connection is gone already; abort below
            }
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
