package dev.selkie.protocol;

/**
 * An {@link Extension} could not decode a received message; the connection fails with {@link
 * #closeCode()} (typically 1007, invalid payload data).
 */
public final class ExtensionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int closeCode;

    /** A failure to answer with {@code closeCode} and {@code reason} (at most 123 UTF-8 bytes). */
    public ExtensionException(int closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    /** The close code to fail the connection with. */
    public int closeCode() {
        return closeCode;
    }
}
