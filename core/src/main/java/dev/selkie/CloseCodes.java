package dev.selkie;

/** Close status codes of RFC 6455 section 7.4.1 that applications commonly use. */
public final class CloseCodes {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the server is shutting down or the browser navigated away. */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: the peer sent a data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: reported locally when the connection dropped without a closing handshake; never sent. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: a text message or close reason was not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a policy was violated (for example a slow consumer). */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message was larger than the configured maximum. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }
}
