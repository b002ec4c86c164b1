package dev.selkie;

import dev.selkie.protocol.CloseStatus;

/** Close status codes of RFC 6455 section 7.4.1 (and its IANA registry) that applications commonly use. */
public final class CloseCodes {
    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = CloseStatus.NORMAL;
    /** 1001: the server is shutting down or the browser navigated away. */
    public static final int GOING_AWAY = CloseStatus.GOING_AWAY;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = CloseStatus.PROTOCOL_ERROR;
    /** 1003: the peer sent a data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = CloseStatus.UNSUPPORTED_DATA;
    /** 1005: reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS_RECEIVED = CloseStatus.NO_STATUS_RECEIVED;
    /** 1006: reported locally when the connection dropped without a closing handshake; never sent. */
    public static final int ABNORMAL_CLOSURE = CloseStatus.ABNORMAL_CLOSURE;
    /** 1007: a text message or close reason was not valid UTF-8, or a message could not be decoded. */
    public static final int INVALID_PAYLOAD = CloseStatus.INVALID_PAYLOAD;
    /** 1008: a policy was violated (for example a slow consumer). */
    public static final int POLICY_VIOLATION = CloseStatus.POLICY_VIOLATION;
    /** 1009: a message was larger than the configured maximum. */
    public static final int MESSAGE_TOO_BIG = CloseStatus.MESSAGE_TOO_BIG;
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = CloseStatus.MANDATORY_EXTENSION;
    /** 1011: the server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = CloseStatus.INTERNAL_ERROR;
    /** 1012: the server is restarting; a client may reconnect (rolling deploys). */
    public static final int SERVICE_RESTART = CloseStatus.SERVICE_RESTART;
    /** 1013: the server is overloaded; try again later. */
    public static final int TRY_AGAIN_LATER = CloseStatus.TRY_AGAIN_LATER;
    /** 1014: a gateway or proxy got an invalid response from the server it forwards to. */
    public static final int BAD_GATEWAY = CloseStatus.BAD_GATEWAY;

    private CloseCodes() {
    }
}
