package dev.selkie.server;

import dev.selkie.RejectionReason;
import dev.selkie.protocol.ProxyHeader;
import dev.selkie.protocol.ProxyHeaderParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol header reader, over the plain TCP transport: on a listener that expects it,
 * every connection must start with a valid v1 or v2 header from a trusted proxy before anything else
 * (a TLS ClientHello or an HTTP request) reaches the transport or connection above; from then on it
 * passes bytes through. The client's address it declares is {@link #declaredRemoteAddress()}. A
 * connection from an untrusted address, or with an invalid header, is closed (logged at debug,
 * counted as a rejected handshake); one that never completes its header is closed by the
 * connection's handshake deadline. The parser exists only until the header is complete. Loop
 * thread only.
 */
final class ProxyHeaderTransport extends LayeredTransport {
    private static final Logger log = LoggerFactory.getLogger(ProxyHeaderTransport.class);
    /** The longest v2 header accepted: addresses and TLVs of a few proxies' worth. */
    static final int MAX_V2_BYTES = 4096;

    private final TrustedProxies trusted;
    private final LoopMetrics metrics;
    private ProxyHeaderParser parser;
    private ProxyHeader header;
    private boolean refused;

    ProxyHeaderTransport(Transport lower, TrustedProxies trusted, LoopMetrics metrics) {
        super(lower);
        this.trusted = trusted;
        this.metrics = metrics;
    }

    /** The header, once read; null before. */
    ProxyHeader header() {
        return header;
    }

    @Override
    public void received(ByteBuffer in) {
        if (header != null) {
            upper.received(in);
            return;
        }
        if (refused) {
            in.position(in.limit());
            return;
        }
        if (parser == null) {
            if (!trusted.contains(lower.remoteAddress().getAddress())) {
                refuse("a PROXY header from an untrusted address");
                in.position(in.limit());
                return;
            }
            parser = new ProxyHeaderParser(MAX_V2_BYTES);
        }
        switch (parser.feed(in)) {
            case NEED_MORE -> {
            }
            case FAILED -> {
                refuse(parser.error());
                in.position(in.limit());
            }
            case DONE -> {
                header = parser.header();
                parser = null;
                log.debug("{} is a proxy for {}", lower.remoteAddress(), header.source().map(Object::toString)
                        .orElse("itself (no address declared)"));
                if (in.hasRemaining()) {
                    upper.received(in);
                }
            }
        }
    }

    private void refuse(String why) {
        refused = true;
        parser = null;
        metrics.rejected(RejectionReason.PROXY_HEADER);
        log.debug("closing {}: {}", lower.remoteAddress(), why);
        upper.failed(new IOException("PROXY protocol: " + why));
    }

    @Override
    public void close() {
        parser = null;
        super.close();
    }

    @Override
    public Optional<InetSocketAddress> declaredRemoteAddress() {
        return header == null ? Optional.empty() : header.source();
    }
}
