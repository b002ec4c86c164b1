package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lifecycle API: try-with-resources, a chosen close code at stop, binding by address and to the IPv6 wildcard. */
class StopAndBindTest extends ServerTestSupport {

    @Test
    void tryWithResourcesStopsTheServerWith1001() throws Exception {
        Recorder recorder = new Recorder(false);
        int port;
        RawClient client;
        try (WebSocketServer server = builder().listener(recorder).build()) {
            server.start();
            port = server.port();
            client = RawClient.open(port);
            await().until(() -> recorder.opened.size() == 1);
        }
        try (RawClient closing = client) {
            closing.expectClose(CloseCodes.GOING_AWAY);
        }
        assertEquals(CloseCodes.GOING_AWAY, recorder.closed.get(0).code());
        try (ServerSocket reuse = new ServerSocket()) {
            reuse.setReuseAddress(true);
            reuse.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free again
        }
    }

    @Test
    void stopWithServiceRestartTellsEveryClient1012() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 2);
            assertThrows(IllegalArgumentException.class, () -> server.stop(STOP, CloseCodes.ABNORMAL_CLOSURE, ""));
            assertThrows(IllegalArgumentException.class, () -> server.stop(STOP, 1012, "x".repeat(124)));
            server.stop(STOP, CloseCodes.SERVICE_RESTART, "deploy");
            a.expectClose(CloseCodes.SERVICE_RESTART);
            b.expectClose(CloseCodes.SERVICE_RESTART);
            assertTrue(server.awaitTermination(Duration.ofSeconds(5)));
        }
        assertEquals(2, recorder.closed.size());
        recorder.closed.forEach(closed -> assertEquals(CloseCodes.SERVICE_RESTART, closed.code()));
    }

    @Test
    void bindsAnInetSocketAddress() throws Exception {
        WebSocketServer server = start(WebSocketServer.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).listener(new Recorder(true)));
        assertEquals(InetAddress.getLoopbackAddress(), server.address().getAddress());
        try (RawClient client = RawClient.open(server.port())) {
            client.sendText("hi");
            assertEquals("hi", client.readFrame().text());
        }
        // an unresolved one is resolved at start
        WebSocketServer named = start(WebSocketServer.builder()
                .address(InetSocketAddress.createUnresolved("localhost", 0)).listener(new Recorder(true)));
        assertTrue(named.address().getAddress().isLoopbackAddress(), named.address().toString());
    }

    @Test
    void theIpv6WildcardServesIpv6AndIpv4Clients() throws Exception {
        WebSocketServer server = start(WebSocketServer.builder().host("::").port(0).listener(new Recorder(true)));
        for (String host : new String[] {"::1", "127.0.0.1"}) {
            try (RawClient client = RawClient.open(RawClient.to(new InetSocketAddress(host, server.port())))) {
                client.sendText("over " + host);
                assertEquals("over " + host, client.readFrame().text());
            }
        }
    }
}
