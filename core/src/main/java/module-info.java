/**
 * Selkie: a lean, fast, RFC 6455 conformant WebSocket server on an NIO event loop.
 *
 * <p>The API is the package {@link dev.selkie}: start with {@link dev.selkie.WebSocketServer#builder()}.
 * The protocol core and the transport are internal and not exported.
 */
module dev.selkie {
    requires org.slf4j;

    exports dev.selkie;
}
