package dev.selkie.server;

import dev.selkie.RejectionReason;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.Handshake;
import dev.selkie.protocol.HandshakeCheck;
import dev.selkie.protocol.HeaderFields;
import dev.selkie.protocol.HttpRequestParser;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one connection until it has its outcome ({@link HandshakeOutcome}): reads the
 * request head, tells an upgrade (RFC 6455 section 4.2.1: a request that carries the WebSocket
 * headers but breaks their rules is answered 400, or 426 for another version) from a plain request,
 * and hands it to the {@link UpgradeNegotiation} or the {@link HttpExchange}; keeps the bytes that
 * arrive while an interceptor decides or an asynchronous HTTP handler answers. It never touches the connection's state: the connection
 * acts on the outcome. The loop reuses stages across connections ({@link LoopPools#takeStage}), so a
 * handshake makes no parser of its own. Loop thread only.
 */
final class HandshakeStage {
    private static final Logger log = LoggerFactory.getLogger(HandshakeStage.class);
    private static final HeaderFields RETRY_AFTER = HeaderFields.EMPTY.with("Retry-After", "1",
            HeaderFields.Reserved.FRAMING);

    /** What the stage is doing. */
    private enum Step {
        /** Reading the request head. */
        HEAD,
        /** Reading a plain request's body. */
        BODY,
        /** Waiting for an asynchronous interceptor or HTTP handler; bytes are kept. */
        DECIDING,
        /** The outcome was handed over. */
        DONE
    }

    /** What a request keeps of its connection: where it came from and how. */
    interface Peer {
        /** The client's address as the transport knows it: a trusted PROXY header's, else the socket's. */
        InetSocketAddress remoteAddress();

        /** The socket's peer. */
        InetSocketAddress socketAddress();

        /** Over TLS. */
        boolean secure();

        /** The TLS server name (SNI) asked for, if any. */
        java.util.Optional<String> serverName();

        /** A plain TCP peer at {@code address}. */
        static Peer plain(InetSocketAddress address) {
            return new Peer() {
                @Override
                public InetSocketAddress remoteAddress() {
                    return address;
                }

                @Override
                public InetSocketAddress socketAddress() {
                    return address;
                }

                @Override
                public boolean secure() {
                    return false;
                }

                @Override
                public java.util.Optional<String> serverName() {
                    return java.util.Optional.empty();
                }
            };
        }
    }

    /** The connection, as far as the stage needs it. */
    interface Host extends Peer {
        /** Bytes to send before the outcome ({@code 100 Continue}). */
        void interim(ByteBuffer response);

        /**
         * The outcome: now, or later on the loop thread when an asynchronous interceptor decided or
         * an asynchronous HTTP handler answered.
         */
        void handshakeDone(HandshakeOutcome outcome);

        /** Whether to read while the interceptor or handler decides (not: bytes would only be kept). */
        void handshakeReading(boolean on);
    }

    private final ServerConfig config;
    private final EventLoop loop;
    private final HttpRequestParser parser;
    private final UpgradeNegotiation negotiation;
    private Host host;
    private Step step;
    private HttpExchange exchange;
    /** Bytes that arrived after the head while the interceptor decides. */
    private ByteBuffer pendingInput;

    HandshakeStage(ServerConfig config, EventLoop loop) {
        this.config = config;
        this.loop = loop;
        this.parser = new HttpRequestParser(config.maxHandshakeSize(), HttpRequestParser.DEFAULT_MAX_HEADER_LINES);
        this.negotiation = new UpgradeNegotiation(config, loop);
    }

    /**
     * Starts over for {@code next}, whose handshake this stage runs from now on, or (null) forgets
     * the last connection while the stage waits among the loop's spares, keeping no connection,
     * request or attachment reachable.
     */
    void reset(Host next) {
        host = next;
        step = Step.HEAD;
        parser.reset();
        exchange = null;
        pendingInput = null;
    }

    /**
     * Bytes from the client, until the outcome is handed over; what follows the request then (the
     * first frames) is left in {@code in} for the connection.
     */
    void feed(ByteBuffer in) {
        Step before;
        do {
            before = step;
            switch (before) {
                case HEAD -> readHead(in);
                case BODY -> {
                    if (exchange.readBody(in)) {
                        answer();
                    }
                }
                case DECIDING -> stash(in);
                case DONE -> {
                    return;
                }
            }
        } while (in.hasRemaining() && step != before && host != null);
    }

    private void readHead(ByteBuffer in) {
        switch (parser.feed(in)) {
            case NEED_MORE -> {
            }
            case ERROR -> {
                int status = parser.errorStatus();
                log.debug("bad request head from {}: {} {}", host.remoteAddress(), status, parser.errorReason());
                done(new HandshakeOutcome.Respond(HttpResponses.textError(status, parser.errorReason()),
                        LoopMetrics.rejectionFor(status)));
            }
            case DONE -> onHead(parser.head());
        }
    }

    private void onHead(RequestHead head) {
        InetSocketAddress client = config.network().trustedProxies().clientAddress(host.remoteAddress(), head);
        HandshakeCheck check = Handshake.check(head, loop.pools().handshakeScratch());
        if (check.kind() != HandshakeCheck.Kind.REJECT && loop.engine().overCapacity()) {
            log.debug("refusing {}: {} connections open", host.remoteAddress(), config.maxConnections());
            done(new HandshakeOutcome.Respond(HttpResponses.response(503, RETRY_AFTER,
                    "too many connections\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    RejectionReason.OVER_CAPACITY));
            return;
        }
        switch (check.kind()) {
            case REJECT -> {
                log.debug("refusing upgrade from {}: {} {}", host.remoteAddress(), check.status(), check.reason());
                done(new HandshakeOutcome.Respond(HttpResponses.handshakeRejection(check),
                        LoopMetrics.rejectionFor(check.status())));
            }
            case NOT_UPGRADE -> {
                exchange = new HttpExchange(config, loop, client, host);
                HandshakeOutcome.Respond refused = exchange.start(head);
                if (refused != null) {
                    done(refused);
                } else if (exchange.bodyComplete()) {
                    answer();
                } else {
                    if (exchange.expectsContinue()) {
                        host.interim(HttpExchange.CONTINUE.duplicate());
                    }
                    step = Step.BODY;
                }
            }
            case UPGRADE -> {
                step = Step.DECIDING;
                if (negotiation.decide(head, client, host, waitForDecision()) && step == Step.DECIDING) {
                    host.handshakeReading(false); // bytes that came with the head wait in pendingInput
                }
            }
        }
    }

    /** The plain request is complete: the handler answers, now or later (reading nothing meanwhile). */
    private void answer() {
        step = Step.DECIDING;
        if (exchange.answer(waitForDecision()) && step == Step.DECIDING) {
            host.handshakeReading(false); // one request per connection: what follows it waits
        }
    }

    /**
     * Takes the outcome of the decision now asked for, if the stage still waits for it on the same
     * connection; a late one (after a timeout, after the connection closed, or once the stage serves
     * another connection) is dropped.
     */
    private Consumer<HandshakeOutcome> waitForDecision() {
        Host waiting = host;
        return outcome -> {
            if (host == waiting && step == Step.DECIDING) {
                done(outcome);
            } else if (outcome instanceof HandshakeOutcome.Upgrade late) {
                late.extensions().forEach(Extension::release); // nobody will use them
            }
        };
    }

    /**
     * The handshake timeout ran out: if a plain request's response is pending, answers it with 503
     * ({@link HttpExchange#timedOut}) and returns true; else false (the connection just closes).
     */
    boolean answerTimedOut() {
        if (step != Step.DECIDING || exchange == null) {
            return false;
        }
        log.debug("no response in time for the HTTP request of {}", host.remoteAddress());
        done(HttpExchange.timedOut());
        return true;
    }

    /** Keeps bytes that arrived with the head while the interceptor decides. */
    private void stash(ByteBuffer in) {
        int n = in.remaining();
        if (pendingInput == null) {
            pendingInput = ByteBuffer.allocate(n);
        } else if (pendingInput.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(pendingInput.position() + n);
            pendingInput.flip();
            bigger.put(pendingInput);
            pendingInput = bigger;
        }
        pendingInput.put(in);
    }

    private void done(HandshakeOutcome outcome) {
        if (outcome == null) {
            return;
        }
        step = Step.DONE;
        if (outcome instanceof HandshakeOutcome.Upgrade upgrade && pendingInput != null) {
            outcome = new HandshakeOutcome.Upgrade(upgrade.request(), upgrade.route(), upgrade.subprotocol(),
                    upgrade.extensions(), upgrade.attributes(), upgrade.extraHeaders(), pendingInput.flip());
        }
        pendingInput = null;
        host.handshakeDone(outcome);
    }
}
