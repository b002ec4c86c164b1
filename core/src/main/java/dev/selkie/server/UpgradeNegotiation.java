package dev.selkie.server;

import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpResponse;
import dev.selkie.RejectionReason;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.ExtensionOffer;
import dev.selkie.protocol.Extensions;
import dev.selkie.protocol.ExtensionsHeader;
import dev.selkie.protocol.Handshake;
import dev.selkie.protocol.HeaderFields;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision about a valid upgrade request: the endpoint its path routes to (404 if none), that
 * endpoint's handshake interceptor (synchronous or not), the
 * subprotocol (the interceptor's choice, which the client must have offered, or the first of the
 * server's list the client offered) and the extensions (the first acceptable offer of each the
 * server supports). Loop thread only; an asynchronous decision is carried back to the loop.
 */
final class UpgradeNegotiation {
    private static final Logger log = LoggerFactory.getLogger(UpgradeNegotiation.class);
    private static final RateLimitedLog interceptorFailed = new RateLimitedLog(log);

    private static final byte[] NOT_FOUND = "no WebSocket endpoint at this path\n".getBytes(StandardCharsets.UTF_8);

    private final ServerConfig config;
    private final EventLoop loop;

    UpgradeNegotiation(ServerConfig config, EventLoop loop) {
        this.config = config;
        this.loop = loop;
    }

    /**
     * Asks the interceptor about {@code head} and negotiates.
     *
     * @param decided told the outcome, now (before this returns) or later on the loop thread
     * @return whether the outcome is pending (an asynchronous decision)
     */
    boolean decide(RequestHead head, InetSocketAddress remoteAddress, HandshakeStage.Peer peer,
                   Consumer<HandshakeOutcome> decided) {
        RequestView request = new RequestView(head, remoteAddress, peer, null, Handshake.offeredSubprotocols(head));
        Routes.Route route = config.routes().match(request.path());
        if (route == null) {
            log.debug("no endpoint for {}", request);
            decided.accept(new HandshakeOutcome.Respond(HttpResponses.response(404, HeaderFields.EMPTY,
                    NOT_FOUND.clone()), RejectionReason.NOT_FOUND));
            return false;
        }
        HandshakeInterceptor interceptor = route.interceptor();
        if (interceptor == HandshakeInterceptor.acceptAll()) {
            decided.accept(outcome(request, route, HandshakeDecision.accept(), null));
            return false;
        }
        if (interceptor instanceof SyncInterceptor sync) {
            HandshakeDecision decision; // called directly: no CompletableFuture per handshake
            try {
                decision = sync.decide(request);
            } catch (Throwable e) {
                decided.accept(failed(request, e));
                return false;
            }
            decided.accept(outcome(request, route, decision, null));
            return false;
        }
        CompletionStage<HandshakeDecision> stage;
        try {
            stage = Objects.requireNonNull(interceptor.intercept(request), "interceptor returned null");
        } catch (Throwable e) {
            decided.accept(failed(request, e));
            return false;
        }
        if (stage instanceof CompletableFuture<HandshakeDecision> future
                && future.getClass() == CompletableFuture.class && future.isDone()) {
            decided.accept(completed(request, route, future)); // a synchronous decision: no callback to allocate and run
            return false;
        }
        stage.whenComplete((decision, error) -> {
            if (loop.inLoop()) {
                decided.accept(outcome(request, route, decision, error));
            } else {
                loop.execute(() -> decided.accept(outcome(request, route, decision, error)));
            }
        });
        return true;
    }

    private HandshakeOutcome completed(RequestView request, Routes.Route route,
                                       CompletableFuture<HandshakeDecision> done) {
        try {
            return outcome(request, route, done.join(), null);
        } catch (CompletionException e) {
            return outcome(request, route, null, e.getCause() != null ? e.getCause() : e);
        } catch (CancellationException e) {
            return outcome(request, route, null, e);
        }
    }

    private HandshakeOutcome outcome(RequestView request, Routes.Route route, HandshakeDecision decision,
                                     Throwable error) {
        if (error != null || decision == null) {
            return failed(request, error != null ? error : new NullPointerException("interceptor completed with null"));
        }
        if (!decision.accepted()) {
            HttpResponse rejection = decision.rejection().orElseThrow();
            log.debug("interceptor rejected {} with {}", request, rejection.status());
            return new HandshakeOutcome.Respond(HttpResponses.response(rejection.status(),
                    HeaderFields.from(rejection.headers()),
                    rejection.body()), RejectionReason.INTERCEPTOR);
        }
        String chosen = decision.subprotocol().orElse(null);
        if (chosen != null && !request.offeredSubprotocols().contains(chosen)) {
            return failed(request, new IllegalStateException(
                    "interceptor chose subprotocol '" + chosen + "' that the client did not offer"));
        }
        if (chosen == null) {
            chosen = Handshake.selectSubprotocol(route.subprotocols(), request.offeredSubprotocols());
        }
        return new HandshakeOutcome.Upgrade(request, route, chosen, extensions(request), decision.attributes(),
                HeaderFields.from(decision.extraHeaders()), null);
    }

    /** The extensions to use: none if the server supports none, the client offered none, or the offers are malformed. */
    private List<Extension> extensions(RequestView request) {
        if (config.extensions().isEmpty()) {
            return List.of();
        }
        List<String> values = request.fields().all("sec-websocket-extensions");
        if (values.isEmpty()) {
            return List.of();
        }
        List<ExtensionOffer> offers;
        try {
            offers = ExtensionsHeader.parse(values);
        } catch (IllegalArgumentException e) {
            log.debug("declining the extensions of {}: {}", request, e.getMessage());
            return List.of();
        }
        return Extensions.negotiate(offers, config.extensions());
    }

    private HandshakeOutcome failed(RequestView request, Throwable error) {
        if (Fatal.isFatal(error) && loop.inLoop()) {
            throw (Error) error; // the JVM is out of memory: the loop ends and the server stops
        }
        interceptorFailed.warn("handshake interceptor failed for {}", request, error);
        return new HandshakeOutcome.Respond(HttpResponses.response(500, HeaderFields.EMPTY,
                "internal server error\n".getBytes(StandardCharsets.UTF_8)), RejectionReason.INTERCEPTOR_FAILED);
    }
}
