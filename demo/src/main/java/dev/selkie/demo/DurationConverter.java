package dev.selkie.demo;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a non-negative duration given as whole seconds ({@code 30}), a number with a unit
 * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}) or an ISO-8601 duration ({@code PT1M30S}).
 * {@code 0} means "off" for the options that use it.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** The parsing, usable without picocli. */
    public static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofSeconds(n);
            }
        }
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new TypeConversionException("'" + value + "' is negative; durations must be >= 0");
                }
                return d;
            } catch (DateTimeParseException e) {
                // falls through to the common message
            }
        }
        throw new TypeConversionException("'" + value
                + "' is not a duration: use seconds (30), a unit (500ms, 30s, 5m, 1h) or ISO-8601 (PT30S)");
    }
}
