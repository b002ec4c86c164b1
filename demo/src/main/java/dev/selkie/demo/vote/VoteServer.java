package dev.selkie.demo.vote;

import dev.selkie.AttributeKey;
import dev.selkie.Endpoint;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import dev.selkie.PreparedMessage;
import dev.selkie.Tls;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.demo.web.Announcement;
import dev.selkie.demo.web.OriginPolicy;
import dev.selkie.demo.web.QueryString;
import dev.selkie.demo.web.WebResources;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live vote: page at {@code /}, {@code POST /login} (form field {@code name}) signs a browser in with
 * a session cookie, the WebSocket at {@code /ws} takes only signed-in browsers (401 otherwise) and carries
 * votes in and the counts out to every page, and {@code POST /notify} (a UTF-8 text body of at most
 * {@value #MAX_NOTIFY_BYTES} bytes) pushes an announcement to every page: a back-end event pushed to
 * browsers. {@code GET /session} says whom the cookie signs in (401 if nobody), {@code GET /results} gives
 * the counts as JSON.
 *
 * <p>The state is in memory ({@link Ballot}): a vote survives the page reconnecting, not a server restart.
 * The counts are encoded once per change and published as one {@link PreparedMessage} to every page.
 */
public final class VoteServer {
    /** Longest accepted {@code POST /notify} body in bytes. */
    public static final int MAX_NOTIFY_BYTES = 1024;
    /** The session cookie's name. */
    public static final String COOKIE = "selkie_vote";
    /** Most sessions kept at once. */
    public static final int MAX_SESSIONS = 10_000;
    /** The topic every page subscribes to: counts and announcements. */
    static final String TOPIC = "vote";

    private static final Logger log = LoggerFactory.getLogger(VoteServer.class);
    private static final AttributeKey<Ballot.Session> SESSION = AttributeKey.of("vote session");
    private static final String FORM = "application/x-www-form-urlencoded";

    private final WebSocketServer server;
    private final Ballot ballot;
    private final OriginPolicy origins;
    private final boolean secure;
    /** The open pages of each session (a browser may have several tabs), by session id. */
    private final Map<String, Set<WebSocket>> pages = new ConcurrentHashMap<>();
    private final WebResources page = new WebResources(Map.of(
            "/", "vote.html", "/vote.css", "vote.css", "/vote.js", "vote.js"));

    /**
     * @param host the interface to bind
     * @param port the port, 0 for any free port
     * @param options the options to vote for (see {@link Ballot#checkOptions})
     * @param extraOrigins origins allowed besides the server's own
     * @param tls TLS ({@code wss://}, the page on {@code https://}, the cookie {@code Secure}), or null for plain
     */
    public VoteServer(String host, int port, List<String> options, List<String> extraOrigins, Tls tls) {
        this.ballot = new Ballot(options, MAX_SESSIONS);
        this.secure = tls != null;
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        this.server = builder
                .host(host)
                .port(port)
                .maxMessageSize(1 << 10)
                .maxHttpBodySize(4 << 10)
                .pingInterval(Duration.ofSeconds(30), Duration.ofSeconds(10))
                .httpHandler(this::http)
                .route("/ws", Endpoint.of(new Listener()).withInterceptor(HandshakeInterceptor.sync(this::decide)))
                .build();
        this.origins = new OriginPolicy(host, server::port, extraOrigins, secure);
    }

    /** Binds and starts; see {@link WebSocketServer#start()}. */
    public void start() {
        server.start();
    }

    /** Stops, closing every page with 1001. */
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

    /** The ballot (for tests). */
    Ballot ballot() {
        return ballot;
    }

    private Optional<Ballot.Session> session(HttpRequest request) {
        return ballot.session(request.cookies().get(COOKIE));
    }

    private HandshakeDecision decide(HttpRequest request) {
        if (!origins.allows(request.origin())) {
            log.debug("Refused a vote connection from {}: origin {} not allowed", request.remoteAddress(),
                    request.origin().orElse(""));
            return HandshakeDecision.reject(403, "Origin not allowed\n");
        }
        return session(request)
                .map(s -> HandshakeDecision.accept().with(SESSION, s))
                .orElseGet(() -> HandshakeDecision.reject(401, "Sign in first: POST /login with a name\n"));
    }

    private HttpResponse http(HttpRequest request) {
        switch (request.path()) {
            case "/login":
                return login(request);
            case "/session":
                return sessionInfo(request);
            case "/results":
                return request.method().equals("GET") ? json(200, VoteJson.results(ballot.tally()))
                        : HttpResponse.text(405, "Use GET\n").withHeader("Allow", "GET");
            case "/notify":
                return notify(request);
            default:
                return page.handle(request);
        }
    }

    private static HttpResponse json(int status, String json) {
        return HttpResponse.of(status, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] body) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
    }

    private HttpResponse login(HttpRequest request) {
        if (!request.method().equals("POST")) {
            return HttpResponse.text(405, "Use POST with the form field name\n").withHeader("Allow", "POST");
        }
        if (!origins.allows(request.origin())) {
            return HttpResponse.text(403, "Origin not allowed\n");
        }
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals(FORM) && !type.startsWith(FORM + ";")) {
            return HttpResponse.text(415, "Send the form as " + FORM + "\n");
        }
        String name;
        try {
            Map<String, String> form = QueryString.parse(utf8(request.body()));
            for (String field : form.keySet()) {
                if (!field.equals("name")) {
                    throw new IllegalArgumentException("unknown form field '" + field + "'");
                }
            }
            name = Ballot.checkName(form.get("name"));
        } catch (CharacterCodingException e) {
            return HttpResponse.text(400, "The form must be UTF-8\n");
        } catch (IllegalArgumentException e) {
            return HttpResponse.text(400, e.getMessage() + "\n");
        }
        // signing in again ends the browser's earlier session: one vote per session, none left behind
        session(request).ifPresent(this::signOut);
        Optional<Ballot.Session> signedIn = ballot.signIn(name);
        if (signedIn.isEmpty()) {
            return HttpResponse.text(503, "Too many sessions; try again later\n");
        }
        Ballot.Session s = signedIn.get();
        log.info("{} signed in from {}", name, request.remoteAddress());
        return json(200, VoteJson.session(name, null)).withHeader("Set-Cookie", COOKIE + "=" + s.id()
                + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
    }

    private void signOut(Ballot.Session old) {
        ballot.signOut(old, this::publishCounts);
        Set<WebSocket> open = pages.remove(old.id());
        if (open != null) {
            open.forEach(ws -> ws.close(1008, "signed in again"));
        }
    }

    private HttpResponse sessionInfo(HttpRequest request) {
        if (!request.method().equals("GET")) {
            return HttpResponse.text(405, "Use GET\n").withHeader("Allow", "GET");
        }
        return session(request)
                .map(s -> json(200, VoteJson.session(s.name(), ballot.voteOf(s))))
                .orElseGet(() -> HttpResponse.text(401, "Not signed in\n"));
    }

    private HttpResponse notify(HttpRequest request) {
        Announcement announced = Announcement.read(request, origins, MAX_NOTIFY_BYTES);
        if (announced.refusal() != null) {
            return announced.refusal();
        }
        String text = announced.text();
        int reached = server.publish(TOPIC, PreparedMessage.text(VoteJson.announcement(text, System.currentTimeMillis())));
        log.info("Announcement from {} sent to {} pages", request.remoteAddress(), reached);
        return HttpResponse.text(202, "Announced to " + reached + " page" + (reached == 1 ? "" : "s") + "\n");
    }

    /** Called under the ballot's lock: the counts, encoded once, to every page, in the order of the changes. */
    private void publishCounts(Ballot.Tally tally) {
        server.publish(TOPIC, PreparedMessage.text(VoteJson.counts(tally)));
    }

    private final class Listener implements WebSocketListener {
        @Override
        public void onOpen(WebSocket ws) {
            Ballot.Session s = ws.attribute(SESSION).orElseThrow();
            pages.computeIfAbsent(s.id(), id -> ConcurrentHashMap.newKeySet()).add(ws);
            ws.subscribe(TOPIC);
            // a change published meanwhile may arrive before this snapshot: the page keeps the higher seq
            ws.send(VoteJson.welcome(s.name(), ballot.voteOf(s), ballot.tally()));
            log.info("{} opened the vote from {}", s.name(), ws.remoteAddress());
        }

        @Override
        public void onText(WebSocket ws, String text) {
            Ballot.Session s = ws.attribute(SESSION).orElseThrow();
            String option;
            try {
                option = VoteJson.parseVote(text);
                ballot.vote(s, option, VoteServer.this::publishCounts);
            } catch (IllegalArgumentException e) {
                ws.send(VoteJson.error(e.getMessage()));
                return;
            }
            if (ballot.session(s.id()).orElse(null) != s) {
                ws.send(VoteJson.error("this session has ended; sign in again"));
                ws.close(1008, "session ended");
                return;
            }
            Set<WebSocket> open = pages.get(s.id());
            server.broadcast(PreparedMessage.text(VoteJson.voted(option)), open == null ? List.of(ws) : List.copyOf(open));
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.send(VoteJson.error("binary messages are not supported; send JSON text"));
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean remote) {
            Ballot.Session s = ws.attribute(SESSION).orElse(null);
            if (s == null) {
                return;
            }
            pages.computeIfPresent(s.id(), (id, set) -> {
                set.remove(ws);
                return set.isEmpty() ? null : set;
            });
            log.info("{} closed the vote ({})", s.name(), code);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            log.debug("Vote connection from {}: {}", ws.remoteAddress(), error.toString());
        }
    }
}
