package dev.selkie.protocol;

/**
 * Close status codes (RFC 6455 section 7.4): the one place they are defined. {@link
 * dev.selkie.CloseCodes} publishes them to applications.
 */
public final class CloseStatus {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the endpoint goes away (server shutting down, browser navigating away, idle timeout). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: the peer sent a data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: reported locally when the connection dropped without a closing handshake; never sent. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: a text message or close reason was not valid UTF-8, or a message could not be decoded. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a policy was violated (a slow consumer, a control frame flood). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message was larger than the configured maximum. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the server is restarting (RFC 6455 IANA registry). */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: the server is overloaded; try again later (RFC 6455 IANA registry). */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: a gateway or proxy got an invalid answer from upstream (RFC 6455 IANA registry). */
    public static final int BAD_GATEWAY = 1014;

    private CloseStatus() {
    }

    /**
     * Whether a code may appear in a close frame on the wire: 1000-1003, 1007-1014 (1015 excluded)
     * or 3000-4999. A received close with another code is a protocol error (1002).
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
