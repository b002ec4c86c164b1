package dev.selkie.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-side extension negotiation (RFC 6455 section 9.1): from the client's offers, in its order,
 * each supported extension accepts the first offer of its name it can honour; the accepted ones make
 * the answer, in the order they were offered. Extensions whose RSV bits would clash with one already
 * accepted are declined.
 */
public final class Extensions {
    private Extensions() {
    }

    /**
     * The extensions to use on a connection.
     *
     * @param offers the parsed {@code Sec-WebSocket-Extensions} of the request ({@link ExtensionsHeader})
     * @param supported the server's negotiators, each tried on the offers with its name
     * @return the accepted extensions in offer order (an immutable list); empty if none (or nothing supported)
     */
    public static List<Extension> negotiate(List<ExtensionOffer> offers, List<ExtensionNegotiator> supported) {
        if (offers.isEmpty() || supported.isEmpty()) {
            return List.of();
        }
        List<Extension> accepted = new ArrayList<>(1);
        List<String> names = new ArrayList<>(1);
        int rsv = 0;
        for (ExtensionOffer offer : offers) {
            for (ExtensionNegotiator negotiator : supported) {
                if (!offer.is(negotiator.name()) || names.contains(negotiator.name())) {
                    continue;
                }
                Extension extension = negotiator.accept(offer);
                if (extension == null) {
                    continue; // declined: a later offer with this name may do
                }
                if ((extension.rsvBits() & rsv) != 0) {
                    extension.release();
                    continue;
                }
                rsv |= extension.rsvBits();
                accepted.add(extension);
                names.add(negotiator.name());
            }
        }
        return List.copyOf(accepted); // what a connection keeps: one small immutable list, no spare array
    }

    /** The {@code Sec-WebSocket-Extensions} value answering with these extensions, or null if none. */
    public static String answer(List<Extension> accepted) {
        if (accepted.isEmpty()) {
            return null;
        }
        if (accepted.size() == 1) {
            return accepted.get(0).answer();
        }
        StringBuilder sb = new StringBuilder();
        for (Extension extension : accepted) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(extension.answer());
        }
        return sb.toString();
    }

    /** The union of the extensions' RSV bits. */
    static int rsvBits(List<Extension> extensions) {
        int bits = 0;
        for (Extension extension : extensions) {
            bits |= extension.rsvBits();
        }
        return bits;
    }
}
