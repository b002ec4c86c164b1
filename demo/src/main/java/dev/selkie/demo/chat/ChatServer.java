package dev.selkie.demo.chat;

import dev.selkie.Compression;
import dev.selkie.Tls;
import dev.selkie.AttributeKey;
import dev.selkie.Endpoint;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import dev.selkie.PreparedMessage;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.demo.json.Json;
import dev.selkie.demo.web.Announcement;
import dev.selkie.demo.web.OriginPolicy;
import dev.selkie.demo.web.QueryString;
import dev.selkie.demo.web.WebResources;
import dev.selkie.demo.RedisConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-room chat: page, CSS and script at {@code /}, WebSocket at {@code /ws?name=..&room=..},
 * {@code GET /users?room=..} (who is in a room), and {@code POST /notify} (a text body announced to
 * every connected user).
 *
 * <p>Showcases the listener API, routing, typed per-connection state ({@link ChatSession}), rooms as topics ({@link
 * WebSocket#subscribe}, {@link WebSocketServer#publish}), and the handshake interceptor: Origin check,
 * name and room validation, and 409 when the name is taken in the room, all before the upgrade.
 *
 * <p>Clustered (built with a {@link RedisConnection}, {@code chat --redis}): the rooms' topics span every chat
 * server on the same Redis, names are unique per room across them and the users lists (welcome,
 * presence, {@code /users}) are the room's users on every server (see {@link ChatCluster}); {@code
 * /notify} goes to the announcement topic every chat connection subscribes to, so it reaches every
 * server's users.
 */
public final class ChatServer {
    /** Longest accepted {@code POST /notify} body in bytes. */
    public static final int MAX_NOTIFY_BYTES = 1000;

    /** Clustered: the topic every chat connection subscribes to, for {@code /notify}. */
    static final String ANNOUNCEMENTS = "announcements";

    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
    private static final Duration RESERVATION_TTL = Duration.ofSeconds(30);

    private final WebSocketServer server;
    private final ChatRooms rooms;
    private final OriginPolicy origins;
    private final Clock clock;
    /** Null unless clustered. */
    private final ChatCluster cluster;
    private final WebResources page = new WebResources(Map.of(
            "/", "chat.html", "/chat.css", "chat.css", "/chat.js", "chat.js"));

    /**
     * @param host the interface to bind
     * @param port the port, 0 for any free port
     * @param extraOrigins origins allowed besides the server's own
     */
    public ChatServer(String host, int port, List<String> extraOrigins) {
        this(host, port, extraOrigins, Compression.shared());
    }

    /** A chat server that negotiates permessage-deflate as {@code compression} says. */
    public ChatServer(String host, int port, List<String> extraOrigins, Compression compression) {
        this(host, port, extraOrigins, compression, null);
    }

    /** The same over TLS ({@code wss://}, pages on {@code https://}) unless {@code tls} is null. */
    public ChatServer(String host, int port, List<String> extraOrigins, Compression compression, Tls tls) {
        this(host, port, extraOrigins, compression, tls, null);
    }

    /**
     * The same, clustered through {@code redis} unless it is null: rooms, presence and announcements
     * span every chat server on that Redis. The server starts and stops the broker.
     */
    public ChatServer(String host, int port, List<String> extraOrigins, Compression compression, Tls tls,
                      RedisConnection redis) {
        this.clock = Clock.systemUTC();
        this.rooms = new ChatRooms(System::nanoTime, RESERVATION_TTL.toNanos());
        this.cluster = redis == null ? null : new ChatCluster(redis, this::remotePresence);
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        if (cluster != null) {
            builder.broker(cluster)
                    .asyncHttpHandler(this::httpClustered);
        } else {
            builder.httpHandler(this::http);
        }
        this.server = builder
                .host(host)
                .port(port)
                .maxMessageSize(16 << 10)
                .maxHttpBodySize(4 << 10)
                .pingInterval(Duration.ofSeconds(30), Duration.ofSeconds(10))
                .compression(compression)
                .route("/ws", Endpoint.of(new Listener()).withInterceptor(cluster == null
                        ? HandshakeInterceptor.sync(this::decide) : this::decideClustered))
                .build();
        this.origins = new OriginPolicy(host, server::port, extraOrigins, tls != null);
    }

    /** Binds and starts; see {@link WebSocketServer#start()}. */
    public void start() {
        server.start();
    }

    /** Stops, closing every user with 1001. */
    public void stop(Duration timeout) {
        server.stop(timeout);
    }

    /** The underlying server. */
    public WebSocketServer server() {
        return server;
    }

    /** The actual port. */
    public int port() {
        return server.port();
    }

    /** The connection to Redis when clustered, else null. */
    public RedisConnection redis() {
        return cluster == null ? null : cluster.redis();
    }

    private static String topic(String room) {
        return "room:" + room;
    }

    private HandshakeDecision decide(HttpRequest request) {
        Object checked = check(request);
        return checked instanceof ChatSession ? accept((ChatSession) checked) : (HandshakeDecision) checked;
    }

    /**
     * Clustered: the local checks, then the name taken in Redis as well; when another server holds it the
     * local reservation is dropped again and the answer is the same 409.
     */
    private CompletionStage<HandshakeDecision> decideClustered(HttpRequest request) {
        Object checked = check(request);
        if (!(checked instanceof ChatSession)) {
            return CompletableFuture.completedFuture((HandshakeDecision) checked);
        }
        ChatSession s = (ChatSession) checked;
        return cluster.join(s.room(), s.name()).thenApply(free -> {
            if (!free) {
                rooms.cancel(s.room(), s.name(), false);
                return taken(s);
            }
            // a client that vanishes before its connection opens must not hold the name in Redis for good
            CompletableFuture.delayedExecutor(RESERVATION_TTL.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (rooms.cancel(s.room(), s.name(), true)) {
                    cluster.leave(s.room(), s.name());
                }
            });
            return accept(s);
        });
    }

    private static HandshakeDecision accept(ChatSession s) {
        return HandshakeDecision.accept().with(SESSION, s);
    }

    private static HandshakeDecision taken(ChatSession s) {
        return HandshakeDecision.reject(409, "The name '" + s.name() + "' is already taken in room '" + s.room() + "'\n");
    }

    /** The request's session with its name reserved on this server, or the rejection. */
    private Object check(HttpRequest request) {
        if (!origins.allows(request.origin())) {
            // per client, and counted in the server's metrics (rejected handshakes, reason interceptor)
            log.debug("Refused a chat connection from {}: origin {} not allowed", request.remoteAddress(),
                    request.origin().orElse(""));
            return HandshakeDecision.reject(403, "Origin not allowed\n");
        }
        String name;
        String room;
        try {
            Map<String, String> params = QueryString.parse(request.query());
            name = ChatProtocol.checkName(params.get("name"));
            room = ChatProtocol.checkRoom(params.get("room"));
        } catch (IllegalArgumentException | ChatProtocolException e) {
            return HandshakeDecision.reject(400, e.getMessage() + "\n");
        }
        ChatSession session = new ChatSession(name, room);
        if (!rooms.reserve(room, name)) {
            return taken(session);
        }
        return session;
    }

    private CompletionStage<HttpResponse> httpClustered(HttpRequest request) {
        if (request.path().equals("/users") && request.method().equals("GET")) {
            String room;
            try {
                room = ChatProtocol.checkRoom(QueryString.parse(request.query()).get("room"));
            } catch (IllegalArgumentException | ChatProtocolException e) {
                return CompletableFuture.completedFuture(HttpResponse.text(400, e.getMessage() + "\n"));
            }
            return cluster.members(room, () -> rooms.users(room)).thenApply(users -> usersResponse(room, users));
        }
        return CompletableFuture.completedFuture(http(request));
    }

    private HttpResponse http(HttpRequest request) {
        switch (request.path()) {
            case "/notify":
                return notify(request);
            case "/users":
                return users(request);
            default:
                return page.handle(request);
        }
    }

    private HttpResponse users(HttpRequest request) {
        if (!request.method().equals("GET")) {
            return HttpResponse.text(405, "Use GET\n").withHeader("Allow", "GET");
        }
        try {
            String room = ChatProtocol.checkRoom(QueryString.parse(request.query()).get("room"));
            return usersResponse(room, rooms.users(room));
        } catch (IllegalArgumentException | ChatProtocolException e) {
            return HttpResponse.text(400, e.getMessage() + "\n");
        }
    }

    private static HttpResponse usersResponse(String room, List<String> users) {
        String json = Json.object(o -> o.put("room", room).putObject("users", users));
        return HttpResponse.of(200, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse notify(HttpRequest request) {
        Announcement announced = Announcement.read(request, origins, MAX_NOTIFY_BYTES);
        if (announced.refusal() != null) {
            return announced.refusal();
        }
        String text = announced.text();
        String announcement = ChatProtocol.announcement(text, clock.millis());
        if (cluster != null) {
            int here = server.publish(ANNOUNCEMENTS, announcement); // and, through Redis, to every other server
            log.info("Announcement from {} sent to {} users here and to the other servers", request.remoteAddress(),
                    here);
            return HttpResponse.text(202, "Announced to " + here + " user" + (here == 1 ? "" : "s")
                    + " on this server and to the other servers\n");
        }
        server.broadcast(announcement);
        int users = rooms.connectedUsers();
        log.info("Announcement from {} sent to {} users", request.remoteAddress(), users);
        return HttpResponse.text(202, "Announced to " + users + " user" + (users == 1 ? "" : "s") + "\n");
    }

    /** Another server's user joined or left {@code room}: this server's users of it get the new list. */
    private void remotePresence(String room, ChatCluster.PresenceEvent event) {
        cluster.inOrder(room, ignored -> cluster.members(room, () -> rooms.users(room)).thenAccept(users ->
                server.broadcast(PreparedMessage.text(ChatProtocol.presence(event.event(), event.name(), users)),
                        rooms.sockets(room))));
    }

    /** Who a chat connection is and where: put on it by the handshake interceptor. */
    record ChatSession(String name, String room) {
    }

    private static final AttributeKey<ChatSession> SESSION = AttributeKey.of("chat session");

    private final class Listener implements WebSocketListener {
        @Override
        public void onOpen(WebSocket ws) {
            ChatSession s = ws.attribute(SESSION).orElseThrow();
            if (cluster != null) {
                openClustered(ws, s);
                return;
            }
            boolean joined = rooms.bind(s.room(), s.name(), ws, users -> {
                ws.subscribe(topic(s.room()));
                ws.send(ChatProtocol.welcome(s.name(), s.room(), users));
                server.publish(topic(s.room()), ChatProtocol.presence("join", s.name(), users));
            });
            if (joined) {
                log.info("{} joined room {} from {}", s.name(), s.room(), ws.remoteAddress());
            } else {
                ws.close(1008, "name reservation expired; join again");
            }
        }

        /**
         * Clustered: the welcome and the presence message carry the room's users on every server, read
         * from Redis after this user's join; the other servers hear of it on the room's presence topic.
         */
        private void openClustered(WebSocket ws, ChatSession s) {
            if (!rooms.bind(s.room(), s.name(), ws, users -> { })) {
                ws.close(1008, "name reservation expired; join again");
                return;
            }
            log.info("{} joined room {} from {}", s.name(), s.room(), ws.remoteAddress());
            cluster.inOrder(s.room(), ignored -> cluster.members(s.room(), () -> rooms.users(s.room())).thenAccept(users -> {
                ws.subscribe(topic(s.room()));
                ws.subscribe(ANNOUNCEMENTS);
                ws.send(ChatProtocol.welcome(s.name(), s.room(), users));
                server.broadcast(PreparedMessage.text(ChatProtocol.presence("join", s.name(), users)),
                        rooms.sockets(s.room()));
                cluster.announce(s.room(), "join", s.name());
            }));
        }

        @Override
        public void onText(WebSocket ws, String text) {
            ChatSession s = ws.attribute(SESSION).orElseThrow();
            String chat;
            try {
                chat = ChatProtocol.parseClientMessage(text);
            } catch (ChatProtocolException e) {
                ws.send(ChatProtocol.error(e.getMessage()));
                return;
            }
            server.publish(topic(s.room()), ChatProtocol.message(s.name(), chat, clock.millis()));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.send(ChatProtocol.error("binary messages are not supported; send JSON text"));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean remote) {
            ChatSession s = ws.attribute(SESSION).orElse(null);
            if (s == null) {
                return;
            }
            if (cluster != null) {
                boolean[] released = {false};
                rooms.release(s.room(), s.name(), ws, users -> released[0] = true);
                if (released[0]) {
                    cluster.inOrder(s.room(), ignored -> cluster.leave(s.room(), s.name())
                            .thenCompose(left -> cluster.members(s.room(), () -> rooms.users(s.room())))
                            .thenAccept(users -> {
                                server.broadcast(PreparedMessage.text(ChatProtocol.presence("leave", s.name(), users)),
                                        rooms.sockets(s.room()));
                                cluster.announce(s.room(), "leave", s.name());
                            }));
                    log.info("{} left room {} ({})", s.name(), s.room(), code);
                }
                return;
            }
            rooms.release(s.room(), s.name(), ws,
                    users -> server.publish(topic(s.room()), ChatProtocol.presence("leave", s.name(), users)));
            log.info("{} left room {} ({})", s.name(), s.room(), code);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            // one client's protocol violation is no warning; the server counts it (closes by code)
            log.debug("Chat connection from {}: {}", ws.remoteAddress(), error.toString());
        }
    }
}
