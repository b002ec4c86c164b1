package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Operations issued by one thread take effect in the order issued: a subscribe made off the
 * connection's loop, then a publish from the same thread, reaches the new subscriber.
 */
class TopicOrderTest extends ServerTestSupport {
    private static final int CONNECTIONS = 50;

    @Test
    void subscribeThenPublishFromAnExecutorReachesTheNewSubscriber() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            WebSocketServer[] server = new WebSocketServer[1];
            WebSocketListener listener = new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws) {
                    ws.subscribe("room");
                    server[0].publish("room", "joined " + ws.request().query());
                }
            };
            server[0] = start(builder().listener(listener).executor(executor).loops(2));
            assertEveryClientHearsItsOwnJoin(server[0]);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void subscribeThenPublishFromAnotherLoopReachesTheNewSubscriber() throws Exception {
        // on loop A's thread, a connection of loop B subscribes and is published to at once
        WebSocketServer[] server = new WebSocketServer[1];
        List<WebSocket> opened = new ArrayList<>();
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                WebSocket previous;
                synchronized (opened) {
                    opened.add(ws);
                    previous = opened.size() > 1 ? opened.get(opened.size() - 2) : null;
                }
                if (previous != null) { // alternate loops: the previous connection is on the other loop
                    String topic = "from " + ws.request().query();
                    previous.subscribe(topic);
                    server[0].publish(topic, "hello");
                }
            }
        };
        server[0] = start(builder().listener(listener).loops(2));
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(openAt(server[0].port(), "/?" + i));
                if (i > 0) {
                    assertEquals("hello", clients.get(i - 1).readFrame().text(), "connection " + (i - 1));
                }
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    private static RawClient openAt(int port, String path) throws Exception {
        RawClient client = new RawClient(port);
        client.write(RawClient.upgradeRequest(path));
        String head = client.readHead();
        org.junit.jupiter.api.Assertions.assertTrue(head.startsWith("HTTP/1.1 101"), head);
        return client;
    }

    private static void assertEveryClientHearsItsOwnJoin(WebSocketServer server) throws Exception {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                RawClient client = openAt(server.port(), "/?" + i);
                clients.add(client);
                // earlier clients also hear this join; this one's first frame is its own
                assertEquals("joined " + i, client.readFrame().text(), "connection " + i);
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
