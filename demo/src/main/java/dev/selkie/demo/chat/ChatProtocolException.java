package dev.selkie.demo.chat;

/** A client message the chat refuses; the message is shown to that client. */
public final class ChatProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    ChatProtocolException(String message) {
        super(message);
    }
}
