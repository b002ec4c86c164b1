package dev.selkie.server;

import dev.selkie.PreparedMessage;
import java.lang.invoke.MethodHandles;
import java.util.function.Function;

/**
 * How the transport reaches what the API's value classes keep to themselves (the frames inside a
 * {@link PreparedMessage}) without making it public API: the API class hands over an accessor when
 * it is initialised, before any instance exists. Public only because the API lives in another
 * package of the module; the package is not exported.
 */
public final class ApiBridge {
    private static volatile Function<PreparedMessage, SharedMessage> preparedMessages;
    private static volatile Function<SharedMessage, PreparedMessage> wrap;

    private ApiBridge() {
    }

    /** Called once by {@link PreparedMessage}'s static initialiser: its frames, and a new one of frames. */
    public static void preparedMessages(Function<PreparedMessage, SharedMessage> accessor,
                                        Function<SharedMessage, PreparedMessage> constructor) {
        preparedMessages = accessor;
        wrap = constructor;
    }

    static SharedMessage shared(PreparedMessage message) {
        return preparedMessages.apply(message);
    }

    /** A {@link PreparedMessage} of these frames (for a broker: what a String publish framed). */
    static PreparedMessage prepared(SharedMessage message) {
        if (wrap == null) { // no PreparedMessage made yet: its initialiser registers the accessors
            try {
                MethodHandles.lookup().ensureInitialized(PreparedMessage.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return wrap.apply(message);
    }
}
