package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.PreparedMessage;
import dev.selkie.TopicListener;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The topic SPI (first subscriber, last one gone: once per server), topics(), publish-except-sender. */
class TopicListenerTest extends ServerTestSupport {

    @Test
    void firstAndLastSubscriberAreToldOncePerServerAcrossLoops() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        TopicListener topics = new TopicListener() {
            @Override
            public void onFirstSubscriber(String topic) {
                events.add("+" + topic);
            }

            @Override
            public void onNoSubscribers(String topic) {
                events.add("-" + topic);
            }
        };
        Recorder recorder = new Recorder(false) {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.startsWith("sub ")) {
                    ws.subscribe(text.substring(4));
                } else if (text.startsWith("unsub ")) {
                    ws.unsubscribe(text.substring(6));
                }
                ws.send("ok " + ws.topics().stream().sorted().toList());
            }
        };
        WebSocketServer server = start(builder().listener(recorder).loops(2).topicListener(topics));
        List<RawClient> clients = ConcurrencyTest.openMany(server.port(), 4, i -> "/" + i); // two per loop
        try {
            for (RawClient client : clients) {
                client.sendText("sub room");
                assertTrue(client.readFrame().text().startsWith("ok [room"));
            }
            assertEquals(List.of("+room"), events);
            clients.get(0).sendText("sub other");
            assertEquals("ok [other, room]", clients.get(0).readFrame().text());
            for (int i = 0; i < 3; i++) {
                clients.get(i).sendText("unsub room");
                clients.get(i).readFrame();
            }
            assertEquals(List.of("+room", "+other"), events, "one subscriber of room is left");
            clients.get(3).close(); // the last one leaves by closing
            await().until(() -> events.size() == 3);
            assertEquals("-room", events.get(2));
            clients.get(0).sendText("unsub other");
            assertEquals("ok []", clients.get(0).readFrame().text());
            await().until(() -> events.size() == 4);
            clients.get(1).sendText("sub room");
            clients.get(1).readFrame();
            assertEquals(List.of("+room", "+other", "-room", "-other", "+room"), events);
        } finally {
            ConcurrencyTest.closeAll(clients);
        }
    }

    @Test
    void publishLeavesTheSenderOutAndTopicsAreVisibleFromAnyThread() throws Exception {
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("chat");
                super.onOpen(ws);
            }
        };
        WebSocketServer[] server = new WebSocketServer[1];
        Recorder relay = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                recorder.onOpen(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                server[0].publish("chat", PreparedMessage.text(text), ws);
            }
        };
        server[0] = start(builder().listener(relay).loops(2));
        List<RawClient> clients = ConcurrencyTest.openMany(server[0].port(), 3, i -> "/" + i);
        try {
            await().until(() -> server[0].subscriberCount("chat") == 3);
            for (WebSocket ws : recorder.opened) {
                assertEquals(Set.of("chat"), ws.topics()); // read on the test thread
            }
            clients.get(0).sendText("from 0");
            assertEquals("from 0", clients.get(1).readFrame().text());
            assertEquals("from 0", clients.get(2).readFrame().text());
            clients.get(2).sendText("from 2");
            assertEquals("from 2", clients.get(0).readFrame().text());
            assertEquals("from 2", clients.get(1).readFrame().text());
            // the sender got nothing: its next frame is the answer to a ping
            clients.get(0).send(true, dev.selkie.protocol.Opcode.PING, new byte[] {7});
            assertEquals(dev.selkie.protocol.Opcode.PONG, clients.get(0).readFrame().opcode());
            WebSocketServer otherServer = start(builder().listener(new Recorder(false)));
            assertThrows(IllegalArgumentException.class,
                    () -> otherServer.publish("chat", PreparedMessage.text("x"), recorder.opened.get(0)));
            clients.get(1).close();
            await().until(() -> relay.closed.size() == 1);
            assertEquals(Set.of(), relay.closed.get(0).ws().topics());
        } finally {
            ConcurrencyTest.closeAll(clients);
        }
    }
}
