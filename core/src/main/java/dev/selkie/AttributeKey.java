package dev.selkie;

import java.util.Objects;

/**
 * A typed key for per-connection state ({@link WebSocket#attribute(AttributeKey)}), so that what an
 * application keeps on a connection comes back with its type, without casts. Keys are compared by
 * identity: make each one once, as a constant.
 *
 * <pre>{@code
 * static final AttributeKey<User> USER = AttributeKey.of("user");
 * // in a HandshakeInterceptor:  return HandshakeDecision.accept().with(USER, user);
 * // in a listener:              User user = ws.attribute(USER).orElseThrow();
 * }</pre>
 *
 * @param <T> the type of the values stored under this key
 */
public final class AttributeKey<T> {
    private final String name;

    private AttributeKey(String name) {
        this.name = name;
    }

    /** A new key; {@code name} is for logs and {@code toString} only (two keys of one name are distinct). */
    public static <T> AttributeKey<T> of(String name) {
        return new AttributeKey<>(Objects.requireNonNull(name, "name"));
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "AttributeKey[" + name + "]";
    }
}
