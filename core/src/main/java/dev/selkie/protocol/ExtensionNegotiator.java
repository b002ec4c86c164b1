package dev.selkie.protocol;

/**
 * An extension a server supports, deciding about a client's offers (RFC 6455 section 9.1). A
 * negotiator is shared by every connection; what it accepts is one {@link Extension} per connection
 * (which may be one instance for many, if it holds nothing of theirs). The server closes it when it
 * stops, after its connections have ended.
 */
public interface ExtensionNegotiator extends AutoCloseable {
    /** The extension token, e.g. {@code permessage-deflate} (compared case-insensitively). */
    String name();

    /**
     * Decides about one offer with this negotiator's name, in the order the client listed them.
     *
     * @return the extension to use on the connection, whose {@link Extension#answer()} goes into the
     *     response; or null to decline this offer (the next one with the same name is tried)
     */
    Extension accept(ExtensionOffer offer);

    /** The server stopped: release what the negotiator holds for its connections (native memory). */
    @Override
    default void close() {
    }
}
