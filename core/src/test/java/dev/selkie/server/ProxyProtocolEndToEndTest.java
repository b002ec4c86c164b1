package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import dev.selkie.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test proxy in front of the server: it sends the PROXY header (v1 or v2) and then the client's
 * bytes (plain or TLS); the listener, the interceptor and the HTTP handler see the declared client
 * address, the socket's stays available. Untrusted senders, a missing header and a header that
 * never ends close the connection; forwarded headers count only from trusted proxies.
 */
class ProxyProtocolEndToEndTest extends ServerTestSupport {
    @TempDir
    static Path dir;

    private static byte[] v1(String source, int port) {
        return ("PROXY TCP4 " + source + " 127.0.0.1 " + port + " 443\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private WebSocketServer proxied(Recorder recorder, String trusted) {
        return start(builder().listener(recorder).proxyProtocol(true).trustedProxies(trusted)
                .handshakeTimeout(Duration.ofMillis(500)));
    }

    @Test
    void theDeclaredClientIsTheConnectionsAddressOverPlainAndTls() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer plain = proxied(recorder, "127.0.0.1/32");
        try (RawClient client = new RawClient(plain.port())) {
            client.write(v1("203.0.113.7", 51000));
            RawClient.open(client);
            client.sendText("hi");
            assertEquals("hi", client.readFrame().text());
            WebSocket ws = recorder.opened.get(0);
            assertEquals(new InetSocketAddress("203.0.113.7", 51000), ws.remoteAddress());
            assertEquals(new InetSocketAddress("203.0.113.7", 51000), ws.request().remoteAddress());
            assertEquals("127.0.0.1", ws.socketAddress().getAddress().getHostAddress());
        }

        TestCertificates ca = TestCertificates.newCa();
        Recorder secureRecorder = new Recorder(true);
        WebSocketServer tls = start(builder().listener(secureRecorder).proxyProtocol(true)
                .trustedProxies("127.0.0.0/8").tls(ca.server().tls(dir)));
        byte[] v2 = ProxyHeaderBytes.v2Tcp4(198, 51, 100, 23, 40123);
        try (RawClient client = RawClient.open(RawClient.tls(tls.port(), ca.clientContext(), v2))) {
            client.sendText("over tls");
            assertEquals("over tls", client.readFrame().text());
            assertEquals(new InetSocketAddress("198.51.100.23", 40123), secureRecorder.opened.get(0).remoteAddress());
            assertTrue(secureRecorder.opened.get(0).request().secure());
        }
    }

    @Test
    void theHttpHandlerSeesTheDeclaredClientToo() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)).proxyProtocol(true)
                .trustedProxies("127.0.0.1")
                .httpHandler(request -> dev.selkie.HttpResponse.text(200, request.remoteAddress().getAddress()
                        .getHostAddress() + " via " + request.socketAddress().getAddress().getHostAddress())));
        try (RawClient client = new RawClient(server.port())) {
            client.write(v1("192.0.2.44", 1234));
            client.write("GET /who HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(200, reply.status());
            assertEquals("192.0.2.44 via 127.0.0.1", reply.body());
        }
    }

    @Test
    void untrustedSendersMissingAndEndlessHeadersAreClosed() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer strict = proxied(recorder, "10.0.0.0/8"); // loopback is not trusted
        try (RawClient client = new RawClient(strict.port())) {
            client.write(v1("203.0.113.7", 51000));
            client.write(RawClient.upgradeRequest("/"));
            client.expectTcpClosed();
        }
        WebSocketServer server = proxied(recorder, "127.0.0.1");
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/")); // no header at all
            client.expectTcpClosed();
        }
        try (RawClient client = new RawClient(server.port())) {
            client.write("PROXY TCP4 203.0.113.7 127.0.0.1 51000"); // never ends
            client.expectTcpClosed(); // by the handshake timeout
        }
        assertTrue(recorder.opened.isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> strict.metrics().rejectedHandshakes(RejectionReason.PROXY_HEADER) == 1L);
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.PROXY_HEADER));
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT));
    }

    @Test
    void forwardedHeadersCountOnlyFromTrustedProxies() throws Exception {
        Recorder trustingRecorder = new Recorder(false);
        WebSocketServer trusting = start(builder().listener(trustingRecorder).trustedProxies("127.0.0.1"));
        try (RawClient client = RawClient.open(trusting.port(), "X-Forwarded-For: 6.6.6.6, 203.0.113.50")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> trustingRecorder.opened.size() == 1);
            assertEquals("203.0.113.50", trustingRecorder.opened.get(0).remoteAddress().getAddress().getHostAddress(),
                    "the hop our proxy added, not the client's spoofed one");
        }
        Recorder defaultRecorder = new Recorder(false);
        WebSocketServer untrusting = start(builder().listener(defaultRecorder));
        try (RawClient client = RawClient.open(untrusting.port(), "X-Forwarded-For: 203.0.113.50",
                "Forwarded: for=203.0.113.50")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> defaultRecorder.opened.size() == 1);
            assertEquals("127.0.0.1", defaultRecorder.opened.get(0).remoteAddress().getAddress().getHostAddress(),
                    "never trusted by default");
        }
    }
}
