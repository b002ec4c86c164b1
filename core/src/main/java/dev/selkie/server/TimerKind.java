package dev.selkie.server;

/** What a {@link Timer} of a connection is for (the opening handshake's deadline is kept apart, see {@link EventLoop}). */
enum TimerKind {
    /** Check whether the connection received nothing for the idle timeout. */
    IDLE,
    /** Send the next keep-alive ping. */
    PING,
    /** The pong for the last keep-alive ping must have arrived by now. */
    PONG,
    /** The peer's close frame must have arrived by now. */
    CLOSE,
    /** The peer must have closed its side by now (after our response or final close frame). */
    LINGER
}
