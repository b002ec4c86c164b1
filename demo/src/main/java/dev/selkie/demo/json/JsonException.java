package dev.selkie.demo.json;

/** Input that is not a valid flat JSON object; the message says what and where. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
        super(message);
    }
}
