package dev.selkie.server;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * What one listener puts under its connections: plain TCP, with the PROXY header reader above it
 * when the listener expects PROXY headers, and TLS above that when it speaks TLS (so a PROXY
 * header comes first, then the TLS handshake). Each capability is a transport of its own; the
 * connection sees only the top one.
 */
final class TransportStack {
    /** Plain TCP, nothing above it. */
    static final TransportStack PLAIN = new TransportStack(false, null, null);

    private final boolean proxyProtocol;
    private final TrustedProxies trusted;
    private final TlsSetup tls;

    TransportStack(boolean proxyProtocol, TrustedProxies trusted, TlsSetup tls) {
        this.proxyProtocol = proxyProtocol;
        this.trusted = trusted;
        this.tls = tls;
    }

    /** The transport of a connection accepted on this listener, owned by {@code loop}. */
    Transport open(EventLoop loop, SocketChannel channel, InetSocketAddress remote) {
        Transport transport = new PlainTransport(channel, remote, loop.pools().readBuffer(), loop.metrics());
        if (proxyProtocol) {
            transport = new ProxyHeaderTransport(transport, trusted, loop.metrics());
        }
        if (tls != null) {
            transport = new TlsTransport(transport, tls.newEngine(), loop, tls.tasks());
        }
        return transport;
    }

    boolean tls() {
        return tls != null;
    }

    @Override
    public String toString() {
        return (proxyProtocol ? "PROXY header, " : "") + (tls != null ? "TLS" : "plain");
    }
}
