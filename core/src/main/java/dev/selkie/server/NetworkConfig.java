package dev.selkie.server;

import dev.selkie.Tls;

/**
 * How a server meets the network: TLS on its port (null: plain), an additional plain port beside a
 * TLS one ({@code plainPort} -1: none; 0: any free one), PROXY headers expected on every
 * connection, and the proxies trusted to name the client (PROXY headers and forwarding headers).
 */
public record NetworkConfig(Tls tls, int plainPort, boolean proxyProtocol, TrustedProxies trustedProxies) {
    /** Plain TCP on one port, nobody trusted. */
    public static final NetworkConfig PLAIN = new NetworkConfig(null, -1, false, TrustedProxies.NONE);

    public NetworkConfig {
        if (trustedProxies == null) {
            trustedProxies = TrustedProxies.NONE;
        }
        if (plainPort >= 0 && tls == null) {
            throw new IllegalArgumentException("an additional plain port needs TLS on the main port");
        }
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("PROXY headers are accepted only from trusted proxies: configure them");
        }
    }
}
