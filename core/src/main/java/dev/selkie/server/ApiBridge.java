package dev.selkie.server;

import dev.selkie.PreparedMessage;
import java.util.function.Function;

/**
 * How the transport reaches what the API's value classes keep to themselves (the frames inside a
 * {@link PreparedMessage}) without making it public API: the API class hands over an accessor when
 * it is initialised, before any instance exists. Public only because the API lives in another
 * package of the module; the package is not exported.
 */
public final class ApiBridge {
    private static volatile Function<PreparedMessage, SharedMessage> preparedMessages;

    private ApiBridge() {
    }

    /** Called once by {@link PreparedMessage}'s static initialiser. */
    public static void preparedMessages(Function<PreparedMessage, SharedMessage> accessor) {
        preparedMessages = accessor;
    }

    static SharedMessage shared(PreparedMessage message) {
        return preparedMessages.apply(message);
    }
}
