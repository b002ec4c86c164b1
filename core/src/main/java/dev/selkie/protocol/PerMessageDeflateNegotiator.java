package dev.selkie.protocol;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's side of permessage-deflate negotiation (RFC 7692 sections 5 and 7.1), and the owner
 * of the zlib contexts its connections borrow ({@link ZlibPool}; {@link #close} ends them).
 *
 * <p>An offer is declined (the next one is tried) if it has a parameter RFC 7692 does not define, a
 * parameter twice, a value where none may be, or an invalid window size (8 to 15, no leading zero).
 * An accepted offer is answered with:
 * <ul>
 *   <li>{@code client_no_context_takeover}, always (section 7.1.1.2 allows it): inbound messages are
 *       inflated on their own, so no connection holds inflate state;
 *   <li>{@code server_no_context_takeover} if the client asked for it or the server is in the shared
 *       mode (allowed unasked, section 7.1.1.1), which is the default and the mode of every
 *       connection beyond the context-takeover mode's cap;
 *   <li>{@code server_max_window_bits=N} if the client asked for it (required, section 7.1.2.1); with N
 *       below 15 the server honours it by sending everything uncompressed, since {@code
 *       java.util.zip} compresses with a 15-bit window only.
 * </ul>
 * {@code client_max_window_bits} is never in the answer: a 15-bit inflater reads any window the
 * client uses. Thread-safe.
 */
public final class PerMessageDeflateNegotiator implements ExtensionNegotiator {
    /** The extension token. */
    public static final String NAME = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private final ZlibPool pool;
    private final int threshold;
    private final int maxTakeover;
    private final AtomicInteger takeover = new AtomicInteger();
    /** Shared-mode extensions by answer: they hold nothing per connection, so one serves all. */
    private final Map<String, PerMessageDeflate> shared = new ConcurrentHashMap<>();

    /**
     * @param level the deflate level, 0-9
     * @param threshold messages smaller than this many bytes are sent uncompressed
     * @param maxTakeover connections that may have a deflater of their own (context takeover); 0 for
     *     the shared mode only
     * @param spareContexts zlib contexts of each kind kept when not in use (about the number of event loops)
     */
    public PerMessageDeflateNegotiator(int level, int threshold, int maxTakeover, int spareContexts) {
        this.pool = new ZlibPool(level, spareContexts);
        this.threshold = threshold;
        this.maxTakeover = maxTakeover;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Extension accept(ExtensionOffer offer) {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = 0;
        boolean clientMaxWindowBits = false;
        for (ExtensionOffer.Param param : offer.params()) {
            String name = param.name();
            if (name.equalsIgnoreCase(SERVER_NO_CONTEXT_TAKEOVER) && !param.hasValue() && !serverNoContextTakeover) {
                serverNoContextTakeover = true;
            } else if (name.equalsIgnoreCase(CLIENT_NO_CONTEXT_TAKEOVER) && !param.hasValue()
                    && !clientNoContextTakeover) {
                clientNoContextTakeover = true;
            } else if (name.equalsIgnoreCase(SERVER_MAX_WINDOW_BITS) && serverMaxWindowBits == 0
                    && windowBits(param.value()) > 0) {
                serverMaxWindowBits = windowBits(param.value());
            } else if (name.equalsIgnoreCase(CLIENT_MAX_WINDOW_BITS) && !clientMaxWindowBits
                    && (!param.hasValue() || windowBits(param.value()) > 0)) {
                clientMaxWindowBits = true;
            } else {
                return null; // unknown, repeated, or an invalid value: decline this offer
            }
        }
        boolean compress = serverMaxWindowBits == 0 || serverMaxWindowBits == 15;
        boolean takeoverMode = !serverNoContextTakeover && compress && reserveTakeover();
        StringBuilder answer = new StringBuilder(NAME);
        if (!takeoverMode) {
            answer.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        answer.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        if (serverMaxWindowBits != 0) {
            answer.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(serverMaxWindowBits);
        }
        String header = answer.toString();
        if (takeoverMode) {
            return new PerMessageDeflate(header, pool, threshold, true, null, this);
        }
        return shared.computeIfAbsent(header, h -> new PerMessageDeflate(h, pool, threshold, compress,
                compress ? this : null, null));
    }

    /** A window size parameter's value: 8-15 written without leading zero or sign; 0 if invalid. */
    static int windowBits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return 0;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return 0;
            }
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : 0;
    }

    private boolean reserveTakeover() {
        while (true) {
            int now = takeover.get();
            if (now >= maxTakeover) {
                return false;
            }
            if (takeover.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A context-takeover connection ended (its extension was released). */
    void takeoverEnded() {
        takeover.decrementAndGet();
    }

    /** Connections in the context-takeover mode now. */
    public int takeoverConnections() {
        return takeover.get();
    }

    /** The zlib contexts of this server's connections. */
    public ZlibPool pool() {
        return pool;
    }

    /** Ends every spare zlib context (the server stopped). */
    @Override
    public void close() {
        pool.close();
    }
}
