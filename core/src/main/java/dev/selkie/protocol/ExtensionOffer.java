package dev.selkie.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One extension offered in {@code Sec-WebSocket-Extensions}, e.g. {@code permessage-deflate;
 * client_max_window_bits}. Parameters keep their order and duplicates, so that a negotiation can
 * decline an offer that repeats a parameter (RFC 7692 section 7).
 *
 * @param name the extension token as received
 * @param params the parameters in the order received, duplicates included
 */
public record ExtensionOffer(String name, List<Param> params) {
    /**
     * One extension parameter.
     *
     * @param name the parameter token as received
     * @param value the value (a token; a quoted-string value is given unquoted), or null if the
     *     parameter has no {@code =value}
     */
    public record Param(String name, String value) {
        /** Checks that the name is present. */
        public Param {
            Objects.requireNonNull(name, "name");
        }

        /** Whether the parameter has a value. */
        public boolean hasValue() {
            return value != null;
        }
    }

    /** Checks the name and copies the parameters. */
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
    }

    /** Whether this offer's name is {@code extension} (case-insensitive, as tokens are). */
    public boolean is(String extension) {
        return name.equalsIgnoreCase(extension);
    }

    /** The first parameter called {@code paramName} (case-insensitive), if present. */
    public Optional<Param> param(String paramName) {
        for (Param param : params) {
            if (param.name().equalsIgnoreCase(paramName)) {
                return Optional.of(param);
            }
        }
        return Optional.empty();
    }

    /** Whether a parameter called {@code paramName} is present (case-insensitive). */
    public boolean has(String paramName) {
        return param(paramName).isPresent();
    }

    /** Whether some parameter name occurs more than once (case-insensitive). */
    public boolean hasDuplicateParams() {
        Set<String> seen = new HashSet<>();
        for (Param param : params) {
            if (!seen.add(param.name().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The offer in header syntax, e.g. {@code permessage-deflate; client_max_window_bits=10}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        for (Param param : params) {
            sb.append("; ").append(param.name());
            if (param.value() != null) {
                sb.append('=').append(param.value());
            }
        }
        return sb.toString();
    }
}
