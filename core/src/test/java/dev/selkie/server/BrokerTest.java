package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.RawClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The broker seam with an in-memory broker joining two servers: publishes cross, are not delivered
 * twice locally, keep their type; subscriptions are made once per server; start and stop are told.
 */
class BrokerTest extends ServerTestSupport {

    /** A "broker" in the test JVM: what one server publishes goes to the others that subscribed the topic. */
    static final class Bus {
        final List<Member> members = new CopyOnWriteArrayList<>();

        Member member(String name) {
            Member member = new Member(name, this);
            members.add(member);
            return member;
        }
    }

    static final class Member implements Broker {
        final String name;
        final Bus bus;
        final Set<String> subscribed = ConcurrentHashMap.newKeySet();
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile Inbound inbound;

        Member(String name, Bus bus) {
            this.name = name;
            this.bus = bus;
        }

        @Override
        public void start(Inbound in) {
            inbound = in;
            events.add("start");
        }

        @Override
        public void subscribe(String topic) {
            subscribed.add(topic);
            events.add("+" + topic);
        }

        @Override
        public void unsubscribe(String topic) {
            subscribed.remove(topic);
            events.add("-" + topic);
        }

        @Override
        public void publish(String topic, PreparedMessage message) {
            events.add("publish " + topic + (message.isText() ? " text" : " binary") + " " + message.length());
            for (Member other : bus.members) {
                if (other != this && other.subscribed.contains(topic)) {
                    // what a real broker sends: the payload bytes and the type
                    ByteBuffer payload = message.payload();
                    other.inbound.deliver(topic, message.isText() ? PreparedMessage.utf8(payload)
                            : PreparedMessage.binary(payload));
                }
            }
        }

        @Override
        public void stop() {
            events.add("stop");
        }
    }

    private static Recorder subscribing(String topic) {
        return new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe(topic);
                super.onOpen(ws);
            }
        };
    }

    @Test
    void publishesCrossServersOnceEachKeepingTheirType() throws Exception {
        Bus bus = new Bus();
        Member brokerA = bus.member("a");
        Member brokerB = bus.member("b");
        WebSocketServer a = start(builder().listener(subscribing("room")).loops(2).broker(brokerA));
        WebSocketServer b = start(builder().listener(subscribing("room")).broker(brokerB));
        try (RawClient a1 = RawClient.open(a.port()); RawClient a2 = RawClient.open(a.port());
             RawClient b1 = RawClient.open(b.port())) {
            await().until(() -> a.subscriberCount("room") == 2 && b.subscriberCount("room") == 1);
            assertEquals(List.of("start", "+room"), brokerA.events, "subscribed once for two local subscribers");
            assertEquals(2, a.publish("room", "from a"));
            assertEquals(1, b.publish("room", ByteBuffer.wrap(new byte[] {1, 2})));
            for (RawClient client : List.of(a1, a2, b1)) {
                assertEquals("from a", client.readFrame().text());
                ServerFrames.Frame binary = client.readFrame();
                assertEquals(Opcode.BINARY, binary.opcode());
                assertArrayEquals(new byte[] {1, 2}, binary.payload());
            }
            // nothing came twice: the next frame of each is the answer to a ping
            for (RawClient client : List.of(a1, a2, b1)) {
                client.send(true, Opcode.PING, new byte[] {9});
                assertEquals(Opcode.PONG, client.readFrame().opcode());
            }
        }
        await().until(() -> brokerA.events.contains("-room") && brokerB.events.contains("-room"));
        assertEquals(List.of("start", "+room", "publish room text 6", "-room"), brokerA.events);
    }

    @Test
    void aPublishWithoutLocalSubscribersStillGoesToTheBroker() throws Exception {
        Bus bus = new Bus();
        Member publisher = bus.member("p");
        Member receiver = bus.member("r");
        WebSocketServer quiet = start(builder().listener(new Recorder(false)).broker(publisher));
        WebSocketServer busy = start(builder().listener(subscribing("news")).broker(receiver));
        try (RawClient reader = RawClient.open(busy.port())) {
            await().until(() -> receiver.subscribed.contains("news"));
            assertEquals(0, quiet.publish("news", "no one here"), "no local subscriber");
            assertEquals(0, quiet.publish("news", PreparedMessage.text("prepared")));
            assertEquals("no one here", reader.readFrame().text());
            assertEquals("prepared", reader.readFrame().text());
        }
    }

    @Test
    void stopTellsTheBrokerAfterTheConnectionsClosed() throws Exception {
        Member broker = new Bus().member("only");
        Recorder recorder = subscribing("t");
        WebSocketServer server = start(builder().listener(recorder).broker(broker));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> broker.subscribed.contains("t"));
            server.stop(STOP);
        }
        assertEquals(List.of("start", "+t", "-t", "stop"), broker.events);
        assertTrue(broker.subscribed.isEmpty());
    }
}
