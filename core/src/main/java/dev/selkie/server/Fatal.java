package dev.selkie.server;

/** Which throwables end an event loop instead of only the connection they happened on. */
final class Fatal {
    private Fatal() {
    }

    /**
     * Whether {@code error} means the JVM itself is in trouble (out of memory, an internal error):
     * a {@link VirtualMachineError} other than a {@link StackOverflowError}, which is one call
     * chain's bug. The server stops rather than limp on after one of these.
     */
    static boolean isFatal(Throwable error) {
        return error instanceof VirtualMachineError && !(error instanceof StackOverflowError);
    }
}
