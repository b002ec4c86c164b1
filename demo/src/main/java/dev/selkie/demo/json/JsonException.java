package dev.selkie.demo.json;

/** Input {@link Json#parseObject} refuses; the message says what and, when it can, where. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
        super(message);
    }
}
