package dev.selkie;

/** What the server does when a message would push a connection's send queue past its hard limit. */
public enum SlowConsumerPolicy {
    /** Drop the message, close the connection with 1008 (policy violation) and log once. Default. */
    CLOSE,
    /** Drop the message and count it in {@link ServerMetrics#droppedMessages()}; keep the connection. */
    DROP
}
