package dev.selkie;

/**
 * A {@link WebSocketListener} with empty methods, for those who prefer extending a class. Override
 * what you need.
 */
public abstract class WebSocketAdapter implements WebSocketListener {
    /** For subclasses. */
    protected WebSocketAdapter() {
    }
}
